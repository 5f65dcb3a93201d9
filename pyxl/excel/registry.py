"""The one registry of the workbook's actions.

Every button of every sheet, every control of the « SYC Gestion » ribbon tab and every sub of the
VBA module `workbook/vba/Macros.bas` is generated from `ACTIONS`; `pyxl.macros` has one function per
action, named `Action.function`. A later issue adds its actions here, then rebuilds the workbook
(`python -m pyxl.excel.builder`).

How an action reaches Python (xlwings RunPython, standalone module):
  * the sub captures, at the click, the active sheet and row (on macOS RunPython returns at once
    and the selection could move before Python reads it) and the answers to its questions
    (`InputBox`), then calls `RunPython "import pyxl.macros as m; m.<function>('<sheet>', <row>, '<a1>'…)"`;
  * text goes through `SycHex` (UTF-16 code units in hexadecimal): the command line of RunPython
    cannot hold a double quote, and users' text (`&<>"'`, accents, `=…`) must arrive as typed.
"""

from __future__ import annotations

from dataclasses import dataclass

MODULE_NAME = "Module1"  # the xlwings template's module that the builder rewrites (approach B)


@dataclass(frozen=True)
class Ask:
    """A question asked by the sub before calling Python (VBA InputBox)."""

    prompt: str
    required: bool = True  # an empty answer (or Cancel) stops the action
    default: str = ""
    # the answer proposed is read at the click: the first of these columns (by header) not empty on
    # the active row of this sheet (« Factures »: the selected invoice's number), else none
    from_sheet: str = ""
    from_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Action:
    name: str  # VBA sub name (ASCII, unique), e.g. 'SycEmettreFacture'
    label: str  # French caption of the button and the ribbon control
    group: str  # step of the procedure (Accueil block and ribbon group)
    function: str  # function of pyxl.macros
    sheet: str = ""  # sheet whose selected row the action works on ('' : none)
    asks: tuple[Ask, ...] = ()
    issuing: bool = False  # gives a definitive number or records money: the workbook is saved after it
    image: str = "HappyFace"  # imageMso of the ribbon control
    help: str = ""  # one French sentence: what it does (Accueil, screentip, docs)
    on_home: bool = True  # a button on « Accueil »
    passes: tuple[str, ...] = ()  # VBA expressions passed to Python as text, after the questions
    form: bool = False  # `sheet` is an entry form (the button elsewhere opens it; the one on it saves)
    # irreversible (a final number, a credit note, a cancellation): Python asks Oui/Non naming the client,
    # the document and its TTC amount, from every button; the sub does not ask its own row question
    confirm: bool = False


GROUPS = (
    ("clients", "Clients et articles"),
    ("devis", "Devis"),
    ("commandes", "Commandes"),
    ("factures", "Factures"),
    ("reglements", "Règlements"),
    ("relances", "Relances des impayés"),
    ("documents", "Documents et courriers"),
    ("direction", "Direction"),
    ("comptabilite", "Comptabilité"),
    ("controle", "Contrôle"),
    ("planning", "Planning"),
    ("contrats", "Contrats d'entretien"),
)

ACTIONS: tuple[Action, ...] = (
    # ---- clients et articles (issue 17): forms, never typing in the tables
    Action("SycEnregistrerClient", "Enregistrer le client", "clients", "enregistrer_client", sheet="Saisie client",
           image="FileSave", form=True,
           help="Crée (ou modifie) le client saisi sur la feuille « Saisie client » : contrôles, code et secteur "
                "donnés, doublons signalés."),
    Action("SycNouveauClient", "Nouveau client", "clients", "nouveau_client", image="AddressBook", on_home=False,
           help="Ouvre la feuille « Saisie client » ; depuis « Saisie devis », le client enregistré y revient "
                "tout choisi."),
    Action("SycModifierClient", "Modifier le client", "clients", "modifier_client", sheet="Clients",
           image="AddressBook", help="Reprend le client de la ligne sélectionnée dans « Saisie client » pour le "
                                     "modifier."),
    Action("SycEnregistrerArticle", "Enregistrer l'article", "clients", "enregistrer_article", sheet="Saisie article",
           image="FileSave", form=True,
           help="Crée (ou modifie) l'article saisi sur la feuille « Saisie article »."),
    Action("SycModifierArticle", "Modifier l'article", "clients", "modifier_article", sheet="Articles",
           image="CreateForm", help="Reprend l'article de la ligne sélectionnée dans « Saisie article » pour le "
                                    "modifier."),
    # ---- devis
    Action("SycEnregistrerDevis", "Enregistrer le devis", "devis", "enregistrer_devis", sheet="Saisie devis",
           image="FileSave", form=True, help="Enregistre le devis saisi sur la feuille « Saisie devis » (brouillon numéroté)."),
    Action("SycEnvoyerDevis", "Envoyer le devis", "devis", "envoyer_devis", sheet="Devis", image="EnvelopesAndLabels",
           asks=(Ask("Envoyer aussi par e-mail au client (PDF en pièce jointe) ? oui / non", required=False, default="oui"),),
           help="Marque le devis sélectionné comme envoyé ; par e-mail, prépare le message avec son PDF."),
    Action("SycDevisARelancer", "Devis à relancer", "devis", "devis_a_relancer", image="ReviewPreviousComment",
           help="Liste les devis envoyés sans réponse depuis le délai de relance."),
    Action("SycRelancerDevis", "Relancer le devis", "devis", "relancer_devis", sheet="Devis",
           asks=(Ask("Résultat de l'appel (ex. « rappeler lundi », « accord verbal ») :"),
                 Ask("Remise commerciale accordée en % (10 à 20), ou laisser vide :", required=False)),
           image="Call", help="Note la relance du devis sélectionné, avec une remise éventuelle (nouveau devis)."),
    Action("SycAccepterDevis", "Accepter le devis", "devis", "accepter_devis", sheet="Devis", image="AcceptInvitation",
           asks=(Ask("Contrat hors établissement : le client demande-t-il par écrit que les travaux commencent avant "
                     "la fin du délai de rétractation de 14 jours ? (oui / non)", required=False, default="non"),
                 Ask("Dépannage urgent demandé par le client (art. L221-28 8°) ? oui / non", required=False,
                     default="non")),
           help="Le client a signé le devis de la ligne sélectionnée."),
    Action("SycRefuserDevis", "Refuser le devis", "devis", "refuser_devis", sheet="Devis",
           asks=(Ask("Motif du refus (prix, délai, concurrent…) :"),), image="DeclineInvitation",
           help="Le client a refusé le devis sélectionné ; le motif sert aux statistiques."),
    # ---- commandes
    Action("SycPasserCommande", "Passer en commande", "commandes", "passer_commande", sheet="Devis",
           image="CreateForm",
           asks=(Ask("Envoyer aussi le bon de commande par e-mail au client (PDF en pièce jointe) ? oui / non",
                     required=False, default="non"),),
           help="Crée le bon de commande du devis accepté sélectionné ; par e-mail, prépare le message."),
    Action("SycCommandeRealisee", "Travaux réalisés", "commandes", "commande_realisee", sheet="Commandes",
           asks=(Ask("Date de fin des travaux (JJ/MM/AAAA), vide pour aujourd'hui :", required=False),),
           image="AcceptTask", help="Note la fin des travaux de la commande sélectionnée."),
    Action("SycAnnulerCommande", "Annuler la commande", "commandes", "annuler_commande", sheet="Commandes",
           confirm=True,
           asks=(Ask("Motif de l'annulation :"),), image="CancelRequest",
           help="Annule la commande sélectionnée (ses brouillons de facture sont supprimés)."),
    # ---- factures
    Action("SycFactureAcompte", "Facture d'acompte", "factures", "facture_acompte", sheet="Commandes",
           asks=(Ask("Acompte en % du total de la commande (ex. 30) :"),), image="CurrencyGallery",
           help="Prépare une facture d'acompte (brouillon) pour la commande sélectionnée."),
    Action("SycFacturer", "Facturer la commande", "factures", "facturer", sheet="Commandes", image="CreateReport",
           help="Prépare la facture (brouillon) de la commande sélectionnée, acomptes déduits."),
    Action("SycEmettreFacture", "Émettre", "factures", "emettre", sheet="Factures", issuing=True,
           image="SignatureLineInsert", confirm=True,
           asks=(Ask("Envoyer aussi par e-mail au client (PDF en pièce jointe) ? oui / non", required=False, default="oui"),),
           help="Numéro définitif du brouillon sélectionné, après confirmation ; classeur enregistré ; e-mail "
                "préparé si demandé."),
    # no `sheet`: the invoice is the one selected on « Factures » (its number proposed) or one typed,
    # which may have left for a fiscal-year archive (issue 15)
    Action("SycAvoir", "Faire un avoir", "factures", "faire_avoir", confirm=True,
           asks=(Ask("Facture à créditer : son numéro (celle de la ligne sélectionnée est proposée ; une facture "
                     "d'un exercice archivé se tape ici, ex. F2024-00007) :",
                     from_sheet="Factures", from_columns=("Numéro", "Réf. interne")),
                 Ask("Motif de l'avoir :"),
                 Ask("Cause de l'avoir : erreur, litige ou geste (geste commercial) :"),
                 Ask("Articles à créditer, ex. MO-H:2 ; RAD-ACI:1 (vide : tout ce qui reste de la facture) :",
                     required=False)),
           image="Undo", help="Prépare un avoir (brouillon), total ou sur quelques articles, de la facture "
                              "sélectionnée ou d'une facture dont on tape le numéro, même d'un exercice archivé."),
    Action("SycSupprimerBrouillon", "Supprimer le brouillon", "factures", "supprimer_brouillon", sheet="Factures",
           confirm=True,
           image="Delete", help="Supprime le brouillon sélectionné (une pièce émise ne se supprime jamais)."),
    # ---- reglements
    Action("SycPiecesDues", "Pièces dues du client", "reglements", "pieces_dues", sheet="Saisie règlement",
           image="ListMacros", form=True, on_home=False,
           help="Liste sous le formulaire les pièces que le client doit encore (factures, acomptes, notes de "
                "pénalités) et remplit le montant."),
    Action("SycApercuReglement", "Aperçu du règlement", "reglements", "apercu_reglement", sheet="Saisie règlement",
           image="PrintPreviewClose", form=True, on_home=False,
           help="Montre ce que chaque pièce devra encore après ce règlement, et le crédit du client, sans rien "
                "enregistrer."),
    Action("SycEnregistrerReglement", "Enregistrer le règlement", "reglements", "enregistrer_reglement",
           sheet="Saisie règlement", issuing=True, image="FileSave", form=True,
           help="Enregistre le règlement saisi sur la feuille « Saisie règlement » (une ou plusieurs pièces, le reste "
                "en crédit du client) ; le classeur est enregistré."),
    Action("SycAnnulerReglement", "Annuler le règlement", "reglements", "annuler_reglement", sheet="Règlements",
           confirm=True,
           asks=(Ask("Motif (chèque impayé, erreur de saisie…) :"),
                 Ask("Revenu impayé de la banque ? oui (impayé) ou non (erreur de saisie) ; vide si le chèque n'est "
                     "pas encore remis :", required=False),
                 Ask("Frais prélevés par la banque pour l'impayé (ex. 12,50), ou laisser vide :", required=False)),
           issuing=True, image="CancelRequest",
           help="Annule toutes les parts du règlement sélectionné par des écritures opposées ; le classeur est "
                "enregistré."),
    Action("SycBordereauCheques", "Bordereau de remise des chèques", "reglements", "bordereau_cheques",
           asks=(Ask("Banque de remise (laisser vide : celle des Paramètres) :", required=False),),
           issuing=True, image="FileSave",
           help="Rassemble les chèques reçus et pas encore remis sur un bordereau numéroté, et produit son PDF ; "
                "le classeur est enregistré."),
    Action("SycBordereauCartes", "Remise des paiements par carte", "reglements", "bordereau_cartes", issuing=True,
           image="FileSave", help="Rassemble les paiements par carte pas encore remis en un lot numéroté (PDF) ; le "
                                  "classeur est enregistré."),
    Action("SycImporterReleve", "Importer un relevé bancaire", "reglements", "importer_releve",
           asks=(Ask("Chemin complet du fichier du relevé (CAMT.053, OFX, CFONB 120 ou CSV de la banque) :"),),
           issuing=True, image="ImportTextFile",
           help="Ajoute les lignes nouvelles du relevé à la feuille « Relevés » (une ligne déjà importée ne l'est "
                "jamais deux fois) ; le classeur est enregistré."),
    Action("SycRapprocher", "Rapprocher le relevé", "reglements", "rapprocher", issuing=True, image="RecordsRefresh",
           help="Confirme les correspondances exactes du relevé (virements, bordereaux, lots de carte) et montre "
                "les autres avec leur score ; propose d'enregistrer l'IBAN d'un virement que la fiche du client n'a "
                "pas ; le classeur est enregistré."),
    Action("SycEncaisserAcompte", "Encaisser l'acompte", "reglements", "encaisser_acompte", sheet="Relevés",
           asks=(Ask("Commande ou devis accepté que paie la ligne (laisser vide : celui que propose le "
                     "rapprochement) :", required=False),),
           confirm=True, issuing=True, image="MoneyCurrency", on_home=False,
           help="La ligne de relevé sélectionnée paie un devis accepté ou une commande avant sa facture : établit "
                "et émet la facture d'acompte de son montant, réglée par la ligne dans le mode qu'elle indique "
                "(virement, chèque, carte) ; le classeur est enregistré."),
    Action("SycIgnorerLigne", "Ignorer la ligne de relevé", "reglements", "ignorer_ligne", sheet="Relevés",
           asks=(Ask("Motif (frais bancaires, prélèvement d'un fournisseur, virement entre comptes…) :"),),
           issuing=True, image="DeclineInvitation", on_home=False,
           help="Met de côté la ligne de relevé sélectionnée, qui n'est pas le paiement d'un client, avec son motif : "
                "elle n'est plus proposée au rapprochement ; le classeur est enregistré."),
    Action("SycReprendreLigne", "Reprendre la ligne ignorée", "reglements", "reprendre_ligne", sheet="Relevés",
           issuing=True, image="AcceptInvitation", on_home=False,
           help="Remet la ligne de relevé ignorée sélectionnée parmi les lignes à rapprocher ; le classeur est "
                "enregistré."),
    Action("SycReglerFacture", "Régler la facture", "reglements", "regler_facture", image="MoneyCurrency",
           on_home=False,
           help="Ouvre « Saisie règlement » pour la facture de la ligne où vous êtes (feuille Factures ou une liste "
                "de travail) : pièce, client et reste dû déjà remplis, solde après le règlement affiché."),
    Action("SycImputerCredit", "Imputer le crédit du client", "reglements", "imputer_credit", sheet="Factures",
           issuing=True, image="MoneyCurrency",
           help="Règle la facture sélectionnée avec le crédit de son client (trop-perçu, avoir), sans mouvement "
                "d'argent ; le classeur est enregistré."),
    Action("SycRembourser", "Rembourser le crédit", "reglements", "rembourser", sheet="Clients",
           asks=(Ask("Montant à rembourser (au plus le crédit du client) :"),
                 Ask("Mode : virement ou cheque :", default="virement"),
                 Ask("Motif (avoir, trop-perçu…) :")),
           issuing=True, image="Undo",
           help="Rembourse au client sélectionné tout ou partie de son crédit ; le classeur est enregistré."),
    # ---- relances des impayés (issue 6)
    Action("SycNotePenalites", "Note de pénalités", "relances", "note_penalites", sheet="Factures",
           issuing=True, image="PercentStyle",
           help="Émet la note de pénalités de la facture en retard sélectionnée (pénalités et indemnité de 40 €, "
                "sans TVA) et son PDF ; le classeur est enregistré."),
    Action("SycCreanceDouteuse", "Créance douteuse", "relances", "creance_douteuse", sheet="Factures",
           issuing=True, image="Risks", asks=(Ask("Motif (ex. « redressement judiciaire du 12/03/2026 ») :"),),
           help="Déclare douteuse la facture sélectionnée : ce qui reste dû passe au compte 416, elle n'est plus "
                "relancée ; le classeur est enregistré."),
    Action("SycPassePerte", "Passer en perte", "relances", "passer_en_perte", sheet="Factures", issuing=True,
           image="Delete", asks=(Ask("Motif (ex. « liquidation clôturée pour insuffisance d'actif ») :"),),
           help="Passe en perte la facture sélectionnée, irrécouvrable : compte 654, TVA reprise ; elle n'est plus "
                "due ni relancée ; le classeur est enregistré."),
    Action("SycRelancesSemaine", "Relances de la semaine", "relances", "relances_semaine", image="ReviewPreviousComment",
           help="Séance du vendredi et du lundi : appels à passer, lettres et dossiers dus, arrêts et alarmes."),
    Action("SycProduireRelances", "Produire les lettres de relance", "relances", "produire_relances",
           image="MailMergeStartLetters",
           help="Toutes les lettres et dossiers dus en un lot : un PDF par client, un PDF à imprimer, brouillons "
                "d'e-mail ; chaque étape notée dans « Relances »."),
    Action("SycNoterRelance", "Noter un appel", "relances", "noter_relance", sheet="Factures",
           asks=(Ask("Résultat de l'appel : sans-reponse, message, promesse, litige, echeancier, mauvais-numero "
                     "ou fait :"),
                 Ask("Promesse : date promise (JJ/MM/AAAA) ; échéancier : échéances DATE:MONTANT séparées par des "
                     "virgules ; sinon laisser vide :", required=False),
                 Ask("Ce qui a été dit (motif du litige…), ou laisser vide :", required=False)),
           image="Call", help="Note le résultat de l'appel de relance de la facture sélectionnée."),
    Action("SycNoterEnvoiRelance", "Noter dépôt ou accusé", "relances", "noter_envoi_relance", sheet="Factures",
           asks=(Ask("Date de dépôt à la poste (JJ/MM/AAAA), ou laisser vide :", required=False),
                 Ask("N° du recommandé, ou laisser vide :", required=False),
                 Ask("Date de l'accusé de réception (JJ/MM/AAAA), ou laisser vide :", required=False)),
           image="EnvelopesAndLabels",
           help="Note le dépôt, le n° de recommandé ou l'accusé de réception de la dernière lettre de relance de la "
                "facture sélectionnée : les délais courent de ces dates."),
    # ---- documents
    Action("SycDocumentPDF", "PDF du document", "documents", "document_pdf", image="FileSaveAsPdfOrXps",
           on_home=False, help="Produit (ou retrouve) le PDF du devis, de la commande, de la facture ou de l'avoir "
                               "de la ligne où vous êtes, et l'ouvre."),
    Action("SycPreparerEmail", "Préparer l'e-mail", "documents", "preparer_email", image="NewMailMessage",
           on_home=False, help="PDF et brouillon d'e-mail au client (pièce jointe), noté au Journal des envois ; "
                               "le brouillon s'ouvre dans la messagerie."),
    Action("SycCopieAcquittee", "Copie acquittée", "documents", "copie_acquittee", sheet="Factures",
           image="ApproveApprovalRequest", help="La facture réglée de la ligne sélectionnée, tamponnée « Acquittée » "
                                                "avec la date et le mode de règlement."),
    Action("SycPublipostage", "Lancer le publipostage", "documents", "publipostage", sheet="Publipostage",
           form=True, image="MailMergeStartLetters",
           help="Une lettre à chaque client choisi sur la feuille « Publipostage » (PDF par client et à imprimer)."),
    Action("SycSimulerPublipostage", "Simuler", "documents", "simuler_publipostage", sheet="Publipostage",
           form=True, on_home=False, image="MailMergeRecipientsEditList",
           help="Liste les clients que le publipostage retiendrait, sans rien produire."),
    # ---- direction
    Action("SycTableauDeBord", "Actualiser le tableau de bord", "direction", "actualiser_tableau_de_bord",
           image="ChartInsert", help="Calcule les chiffres du directeur (12 derniers mois) et les graphiques, "
                                     "sur la feuille « Tableau de bord »."),
    # ---- comptabilité (issue 15): what the accountant gets, computed from the documents and payments
    Action("SycExportFEC", "Export FEC pour le comptable", "comptabilite", "export_fec", image="ExportTextFile",
           asks=(Ask("Année de clôture de l'exercice (ex. 2026) :"),),
           help="Écrit le fichier des écritures (FEC) de l'exercice, ventes et encaissements, dans le dossier "
                "« FEC » à côté du classeur, avec sa description."),
    Action("SycChiffresTVA", "Chiffres de TVA", "comptabilite", "chiffres_tva", image="Calculator",
           asks=(Ask("Période : un mois (2026-03), un trimestre (2026-T1) ou une année (2026) :"),
                 Ask("CA12 seulement : TVA due de l'année précédente, après déductions (laisser vide : TVA "
                     "collectée selon les écritures) :", required=False)),
           help="TVA collectée de la période par taux, avec les lignes de la CA3 ou les acomptes de la CA12."),
    Action("SycBalance", "Balance des comptes", "comptabilite", "balance_comptable", image="AccountingFormat",
           asks=(Ask("Année de clôture de l'exercice (laisser vide : l'exercice en cours) :", required=False),),
           help="Débits, crédits et soldes de chaque compte des écritures de l'exercice."),
    Action("SycGrandLivreClient", "Grand livre du client", "comptabilite", "grand_livre_client",
           image="ViewsLayoutView", on_home=False,
           help="Les écritures du compte du client de la ligne sélectionnée (feuille Clients, ou une de ses "
                "pièces) : date, pièce, libellé, débit, crédit, solde et lettrage."),
    # ---- controle
    Action("SycVerifier", "Vérifier le classeur", "controle", "verifier", image="ReviewProtectWorkbook",
           help="Vérifie le journal d'audit, les pièces émises et la numérotation."),
    Action("SycActualiserListes", "Actualiser les listes", "controle", "actualiser_listes", image="RecordsRefresh",
           help="Recompte toutes les listes de travail (devis à relancer, factures en retard, chèques à remettre…) "
                "et leurs nombres sur « Accueil » ; fait aussi à l'ouverture du classeur."),
    Action("SycActualiser", "Actualiser", "controle", "actualiser", image="Refresh",
           help="Classeur relié à une base PostgreSQL : affiche les lignes ajoutées ou modifiées dans la base "
                "depuis le dernier affichage (par vous ou un autre poste) ; fait aussi à l'ouverture du classeur."),
    Action("SycDiagnostic", "Diagnostic", "controle", "diagnostic", image="Info",
           passes=("XLWINGS_VERSION", "SYC_MODULE_VERSION", "Application.Version", "ThisWorkbook.FullName"),
           help="Versions de Python et d'xlwings, chemins, LibreOffice ou Word, test d'écriture."),
    # ---- planning (issue 16)
    Action("SycProposerCreneaux", "Proposer des créneaux", "planning", "proposer_creneaux", image="ListMacros",
           help="Les premiers créneaux libres pour la commande ou l'intervention de la ligne sélectionnée "
                "(compétence, horaires, absences, jours fériés, souhaits du client, secteur), chacun avec sa raison."),
    Action("SycPlanifier", "Planifier", "planning", "planifier", image="AcceptInvitation",
           asks=(Ask("Créneau : numéro du créneau proposé (1 = le premier), ou technicien et début, "
                     "ex. « T01 2026-12-14 08:30 » :", default="1"),
                 Ask("Durée (ex. 2h30), vide pour la durée prévue :", required=False)),
           help="Réserve le créneau choisi pour la commande ou l'intervention de la ligne sélectionnée ; "
                "l'invitation d'agenda du technicien est préparée."),
    Action("SycDeplacerIntervention", "Déplacer l'intervention", "planning", "deplacer_intervention",
           sheet="Interventions", image="CreateForm",
           asks=(Ask("Nouveau début (AAAA-MM-JJ HH:MM) :"),
                 Ask("Autre technicien (code, ex. T02), vide pour le même :", required=False),
                 Ask("Motif du déplacement :", required=False)),
           help="Déplace l'intervention sélectionnée (autre jour, heure ou technicien) ; les agendas sont mis à jour."),
    Action("SycAnnulerIntervention", "Annuler l'intervention", "planning", "annuler_intervention",
           sheet="Interventions", image="CancelRequest",
           asks=(Ask("Motif :"),
                 Ask("Annulation définitive ? (oui : annulée ; non : à replanifier)", required=False, default="non")),
           help="Reporte (à replanifier) ou annule l'intervention sélectionnée ; l'agenda du technicien est prévenu."),
    Action("SycInterventionRealisee", "Intervention réalisée", "planning", "intervention_realisee",
           sheet="Interventions", image="AcceptTask",
           asks=(Ask("Date de l'intervention (JJ/MM/AAAA), vide pour aujourd'hui :", required=False),
                 Ask("Rapport du technicien, ou laisser vide :", required=False)),
           help="Note l'intervention sélectionnée réalisée ; la dernière d'une commande réalise la commande."),
    Action("SycConfirmerIntervention", "Confirmer au client", "planning", "confirmer_intervention",
           sheet="Interventions", image="EnvelopesAndLabels",
           help="Lettre et brouillon d'e-mail au client de l'intervention sélectionnée : le jour et la demi-journée."),
    Action("SycPlanningSemaine", "Planning de la semaine", "planning", "planning_semaine", image="ReviewPreviousComment",
           asks=(Ask("Semaine (AAAA-Wnn, ex. 2026-W51), vide pour la semaine en cours :", required=False),),
           help="La semaine de chaque technicien (interventions, absences, jours fériés) et les commandes à planifier."),
    Action("SycFeuilleJournee", "Feuille de journée", "planning", "feuille_journee", sheet="Techniciens",
           image="FileSaveAsPdfOrXps",
           asks=(Ask("Jour (JJ/MM/AAAA), vide pour demain :", required=False),),
           help="La feuille de journée du technicien sélectionné : ses visites dans l'ordre de la tournée (PDF)."),
    Action("SycAjouterTechnicien", "Ajouter un technicien", "planning", "ajouter_technicien", image="AddressBook",
           asks=(Ask("Nom du technicien :"),
                 Ask("Compétences, séparées par des virgules (gaz, fioul, pac, biomasse, solaire, ramonage, "
                     "climatisation) :"),
                 Ask("Secteur de départ (nom d'un secteur de la feuille Secteurs) :", required=False),
                 Ask("Téléphone :", required=False),
                 Ask("Horaires, ex. lun-ven 08:00-12:00 13:30-17:30 (vide : ceux-là) :", required=False),
                 Ask("Certificats et leur échéance, ex. fluides 2027-06-30 (vide : aucun) :", required=False)),
           issuing=True,
           help="Ajoute un technicien (code T01, T02…) avec ses compétences, horaires et certificats ; le classeur "
                "est enregistré."),
    Action("SycAbsenceTechnicien", "Absence du technicien", "planning", "absence_technicien", sheet="Techniciens",
           image="CalendarInsert",
           asks=(Ask("Premier jour d'absence (JJ/MM/AAAA) :"), Ask("Dernier jour d'absence (JJ/MM/AAAA) :"),
                 Ask("Motif : conges, formation, maladie ou autre :", default="conges")),
           issuing=True, help="Note une absence du technicien sélectionné ; ses interventions à déplacer sont nommées."),
    Action("SycAgendaTechnicien", "Agenda du technicien (.ics)", "planning", "agenda_technicien",
           sheet="Techniciens", image="CalendarInsert",
           help="Écrit le fichier d'agenda du technicien sélectionné (toutes ses interventions planifiées), à placer "
                "dans le dossier partagé auquel son téléphone est abonné."),
    # ---- contrats d'entretien (issue 16)
    Action("SycNouveauContrat", "Nouveau contrat d'entretien", "contrats", "nouveau_contrat", sheet="Clients",
           image="AddressBook",
           asks=(Ask("Équipement (catégorie d'article, ex. Chaudière gaz, PAC air/eau) :"),
                 Ask("Formule (ex. Entretien annuel) :", default="Entretien annuel"),
                 Ask("Prix annuel HT :"),
                 Ask("Début du contrat (JJ/MM/AAAA), vide : aujourd'hui :", required=False),
                 Ask("Logement achevé depuis plus de 2 ans ? oui ou non :", default="oui"),
                 Ask("Marque, modèle et puissance en kW séparés par « ; » (la puissance est exigée pour une PAC), "
                     "ou vide :", required=False)),
           issuing=True,
           help="Crée un contrat d'entretien pour le client sélectionné ; les visites et factures en découlent ; le "
                "classeur est enregistré."),
    Action("SycVisitesDuMois", "Visites d'entretien du mois", "contrats", "visites_du_mois", image="ListMacros",
           asks=(Ask("Mois (AAAA-MM), vide pour le mois en cours :", required=False),),
           help="Les visites d'entretien dues d'ici la fin du mois, créées à planifier, avec un créneau proposé."),
    Action("SycAttestationEntretien", "Attestation d'entretien", "contrats", "attestation_entretien",
           sheet="Interventions", image="ApproveApprovalRequest",
           asks=(Ask("Date de remise au client (JJ/MM/AAAA), vide pour aujourd'hui :", required=False),),
           help="L'attestation d'entretien (PDF) de la visite réalisée sélectionnée, à remettre sous 15 jours ; "
                "sa date de remise est notée."),
    Action("SycAvisReconduction", "Avis de reconduction", "contrats", "avis_reconduction",
           image="MailMergeStartLetters",
           asks=(Ask("Préparer les avis et noter leur envoi aujourd'hui ? (oui / non : la liste seulement)",
                     required=False, default="non"),),
           help="Les avis de reconduction à envoyer (art. L215-1 du Code de la consommation) et les alarmes ; "
                "avec « oui », les lettres et e-mails sont préparés et l'envoi noté."),
    Action("SycFacturerContrats", "Facturer les contrats du mois", "contrats", "facturer_contrats", issuing=True,
           image="CreateReport",
           asks=(Ask("Mois (AAAA-MM), vide pour le mois en cours :", required=False),),
           help="Émet les factures des contrats dont la période commence dans le mois (jamais deux fois la même "
                "période) ; le classeur est enregistré."),
)


def action(name: str) -> Action:
    for a in ACTIONS:
        if a.name == name:
            return a
    raise KeyError(name)


def by_function(function: str) -> Action:
    for a in ACTIONS:
        if a.function == function:
            return a
    raise KeyError(function)


def group_label(key: str) -> str:
    return dict(GROUPS)[key]


# --------------------------------------------------------------------------- VBA
def _vba_string(text: str) -> str:
    """A VBA string literal (the module is stored in cp1252: only characters it holds)."""
    text.encode("cp1252")  # raises on a character VBA could not keep
    return '"' + text.replace('"', '""') + '"'


HELPERS = '''
' ---- helpers (generated: do not edit here, see pyxl/excel/registry.py)

' Text for the Python command line: UTF-16 code units in hexadecimal (no quote can break it).
Function SycHex(ByVal s As String) As String
    Dim i As Long, h As String, out As String
    out = ""
    For i = 1 To Len(s)
        h = Hex(AscW(Mid(s, i, 1)) And &HFFFF&)
        out = out & Right("000" & h, 4)
    Next i
    SycHex = out
End Function

' Where the user stands when clicking: sheet name and row (RunPython is asynchronous on macOS).
Function SycHere() As String
    Dim r As Long
    r = 0
    On Error Resume Next
    r = ActiveCell.Row
    On Error GoTo 0
    SycHere = "'" & SycHex(ActiveSheet.Name) & "', " & r
End Function

' The tables of record are protected (filtering allowed, no password): the macros
' unprotect them for their write and protect them again (called from Python by Book.macro).
Function SycUnprotect(ByVal sheetName As String) As Boolean
    Dim ws As Worksheet
    Set ws = ThisWorkbook.Worksheets(sheetName)
    SycUnprotect = ws.ProtectContents
    If ws.ProtectContents Then ws.Unprotect
End Function

Sub SycProtect(ByVal sheetName As String)
    ThisWorkbook.Worksheets(sheetName).Protect DrawingObjects:=True, Contents:=True, Scenarios:=True, _
        AllowFormattingColumns:=True, AllowFiltering:=True
End Sub

' A form button clicked elsewhere (Accueil, ribbon) opens its form; the button on the form saves it.
Function SycOnForm(ByVal sheetName As String) As Boolean
    SycOnForm = (ActiveSheet.Name = sheetName)
    If Not SycOnForm Then ThisWorkbook.Worksheets(sheetName).Activate
End Function

' What names a row in a question: its number (else its internal reference), the client and the TTC amount.
Function SycRowLabel(ByVal ws As Worksheet, ByVal r As Long) As String
    Dim heads As Variant, h As Variant, c As Variant, s As String, t As String, numbered As Boolean
    heads = Array("Numéro", "Réf. interne", "Code", "Nom du client", "Nom / raison sociale", "Prénom", "Désignation", _
                  "Total TTC", "Montant")
    s = ""
    numbered = False
    On Error Resume Next
    For Each h In heads
        c = Application.Match(h, ws.Rows(1), 0)
        If Not IsError(c) Then
            t = ws.Cells(r, c).Text
            If t <> "" And Not (h = "Réf. interne" And numbered) Then
                If s <> "" Then s = s & " — "
                s = s & t
                If h = "Numéro" Then numbered = True
            End If
        End If
    Next h
    On Error GoTo 0
    SycRowLabel = s
End Function

' What a question proposes, read at the click: the first of these columns (by header) not empty on
' the active row of the sheet (the selected invoice's number); "" elsewhere (Accueil, a header row).
Function SycRowValue(ByVal sheetName As String, ByVal heads As Variant) As String
    Dim ws As Worksheet, r As Long, h As Variant, c As Variant, t As String
    SycRowValue = ""
    If ActiveSheet.Name <> sheetName Then Exit Function
    Set ws = ActiveSheet
    r = 0
    On Error Resume Next
    r = ActiveCell.Row
    For Each h In heads
        If r < 2 Then Exit For
        c = Application.Match(h, ws.Rows(1), 0)
        If Not IsError(c) Then
            t = ws.Cells(r, c).Text
            If t <> "" Then
                SycRowValue = t
                Exit For
            End If
        End If
    Next h
    On Error GoTo 0
End Function

' A row action clicked from another sheet (Accueil): show the action's sheet with its selected row
' and, unless Python confirms it itself (`ask` False: irreversible actions), ask for confirmation
' naming the row (number, client, TTC amount).
Function SycOnRow(ByVal sheetName As String, ByVal label As String, ByVal ask As Boolean) As Boolean
    Dim ws As Worksheet, r As Long
    SycOnRow = True
    If ActiveSheet.Name = sheetName Then Exit Function
    Set ws = ThisWorkbook.Worksheets(sheetName)
    ws.Activate
    r = 0
    On Error Resume Next
    r = ActiveCell.Row
    On Error GoTo 0
    If r < 2 Then
        MsgBox "Cliquez dans la ligne voulue de la feuille « " & sheetName & " », puis de nouveau sur « " & label & _
            " » (onglet SYC Gestion du ruban).", vbInformation, "SYC Gestion"
        SycOnRow = False
        Exit Function
    End If
    If Not ask Then Exit Function
    If MsgBox(label & " : " & SycRowLabel(ws, r) & " (ligne " & r & ") ?", _
              vbYesNo + vbQuestion, "SYC Gestion") <> vbYes Then
        MsgBox "Cliquez dans la bonne ligne, puis de nouveau sur « " & label & " » (onglet SYC Gestion du ruban).", _
            vbInformation, "SYC Gestion"
        SycOnRow = False
    End If
End Function

' At the opening: the worklists recounted, without a message (the date alone makes quotes due and
' invoices late). Nothing happens if Python cannot be reached; the button « Actualiser les listes » says why.
Sub Auto_Open()
    On Error Resume Next
    RunPython "import pyxl.macros as m; m.ouverture_listes(" & SycHere() & ")"
End Sub

' Signs of life: the status bar says what runs and the cursor waits (Python then writes the outcome
' in the status bar; on macOS RunPython returns at once and Python keeps the status bar up to date).
Sub SycBusy(ByVal label As String, ByVal busy As Boolean)
    On Error Resume Next
    If busy Then
        Application.StatusBar = "SYC Gestion : « " & label & " » en cours…"
        Application.Cursor = xlWait
    Else
        Application.Cursor = xlDefault
    End If
End Sub

' A question; False when the user cancels (Application.InputBox then returns False, where InputBox
' would return "" and a cancelled action would go on).
Function SycAsk(ByVal prompt As String, ByVal default As String, ByRef answer As String) As Boolean
    Dim v As Variant
    v = Application.InputBox(prompt, "SYC Gestion", default, Type:=2)
    If VarType(v) = vbBoolean Then
        SycAsk = False
    Else
        answer = CStr(v)
        SycAsk = True
    End If
End Function
'''


def sub_source(a: Action) -> str:
    lines = [f"' {a.label} : {a.help}".rstrip(), f"Sub {a.name}()"]
    if a.sheet and a.form:
        lines.append(f"    If Not SycOnForm({_vba_string(a.sheet)}) Then Exit Sub")
    elif a.sheet:
        own = "False" if a.confirm else "True"
        lines.append(f"    If Not SycOnRow({_vba_string(a.sheet)}, {_vba_string(a.label)}, {own}) Then Exit Sub")
    args = ["SycHere()"]
    if a.asks:
        lines.append("    Dim " + ", ".join(f"a{i} As String" for i in range(1, len(a.asks) + 1)))
        for i, ask in enumerate(a.asks, 1):
            default = _vba_string(ask.default)
            if ask.from_sheet:
                columns = ", ".join(_vba_string(c) for c in ask.from_columns)
                default = f"SycRowValue({_vba_string(ask.from_sheet)}, Array({columns}))"
            lines.append(f"    If Not SycAsk({_vba_string(ask.prompt)}, {default}, a{i}) Then Exit Sub")
            if ask.required:
                lines.append(f'    If Trim(a{i}) = "" Then')
                lines.append(f"        MsgBox {_vba_string('Réponse obligatoire : l’action « ' + a.label + ' » n’est pas faite.')}, "
                             'vbInformation, "SYC Gestion"')
                lines.append("        Exit Sub")
                lines.append("    End If")
            args.append(f"\"'\" & SycHex(a{i}) & \"'\"")
    args += [f"\"'\" & SycHex({expr}) & \"'\"" for expr in a.passes]
    call = ' & ", " & '.join(args)
    lines.append(f"    SycBusy {_vba_string(a.label)}, True")
    lines.append(f'    RunPython "import pyxl.macros as m; m.{a.function}(" & {call} & ")"')
    lines.append(f"    SycBusy {_vba_string(a.label)}, False")
    lines.append("End Sub")
    lines.append("")
    lines.append(f"Sub {a.name}_Ruban(control As IRibbonControl)")
    lines.append(f"    {a.name}")
    lines.append("End Sub")
    return "\n".join(lines)


def module_version(actions: tuple[Action, ...] = ACTIONS) -> str:
    """A fingerprint of the registry: the Diagnostic action tells a workbook whose buttons come from
    another version of SYC Gestion than the Python code installed."""
    import hashlib

    text = "\n".join(f"{a.name}|{a.function}|{a.sheet}|{len(a.asks)}|{a.passes}" for a in actions)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def vba_module(actions: tuple[Action, ...] = ACTIONS, xlwings_version: str | None = None) -> str:
    """The text of `workbook/vba/Macros.bas` (LF line ends here; stored CRLF/cp1252 in the workbook)."""
    if xlwings_version is None:
        import xlwings

        xlwings_version = xlwings.__version__
    head = [
        f'Attribute VB_Name = "{MODULE_NAME}"',
        "Option Explicit",
        "",
        "' SYC Gestion : les boutons et le ruban appellent Python (pyxl.macros) par xlwings RunPython.",
        "' Module généré par pyxl/excel/registry.py : ne pas le modifier à la main.",
        f'Public Const SYC_XLWINGS_VERSION As String = "{xlwings_version}"',
        f'Public Const SYC_MODULE_VERSION As String = "{module_version(actions)}"',
        "",
    ]
    body = "\n\n".join(sub_source(a) for a in actions)
    return "\n".join(head) + "\n" + body + "\n" + HELPERS


# --------------------------------------------------------------------------- ribbon
CUSTOMUI_PART = "customUI/customUI14.xml"
CUSTOMUI_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"


def ribbon_xml(actions: tuple[Action, ...] = ACTIONS) -> str:
    from xml.sax.saxutils import quoteattr

    groups = []
    for key, label in GROUPS:
        members = [a for a in actions if a.group == key]
        if not members:
            continue
        buttons = "".join(
            f'\n        <button id="b{a.name}" label={quoteattr(a.label)} size="large" imageMso="{a.image}" '
            f'screentip={quoteattr(a.label)} supertip={quoteattr(a.help)} onAction="{a.name}_Ruban"/>'
            for a in members
        )
        groups.append(f'\n      <group id="g_{key}" label={quoteattr(label)}>{buttons}\n      </group>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui">\n'
        '  <ribbon>\n    <tabs>\n      <tab id="tabSYC" label="SYC Gestion">'
        + "".join(groups).replace("\n      ", "\n        ").replace("\n        </tab>", "\n      </tab>")
        + "\n      </tab>\n    </tabs>\n  </ribbon>\n</customUI>\n"
    )
