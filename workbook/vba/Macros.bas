Attribute VB_Name = "Module1"
Option Explicit

' SYC Gestion : les boutons et le ruban appellent Python (pyxl.macros) par xlwings RunPython.
' Module généré par pyxl/excel/registry.py : ne pas le modifier à la main.
Public Const SYC_XLWINGS_VERSION As String = "0.37.8"
Public Const SYC_MODULE_VERSION As String = "49ca34c61825"

' Enregistrer le client : Crée (ou modifie) le client saisi sur la feuille « Saisie client » : contrôles, code et secteur donnés, doublons signalés.
Sub SycEnregistrerClient()
    If Not SycOnForm("Saisie client") Then Exit Sub
    SycBusy "Enregistrer le client", True
    RunPython "import pyxl.macros as m; m.enregistrer_client(" & SycHere() & ")"
    SycBusy "Enregistrer le client", False
End Sub

Sub SycEnregistrerClient_Ruban(control As IRibbonControl)
    SycEnregistrerClient
End Sub

' Nouveau client : Ouvre la feuille « Saisie client » ; depuis « Saisie devis », le client enregistré y revient tout choisi.
Sub SycNouveauClient()
    SycBusy "Nouveau client", True
    RunPython "import pyxl.macros as m; m.nouveau_client(" & SycHere() & ")"
    SycBusy "Nouveau client", False
End Sub

Sub SycNouveauClient_Ruban(control As IRibbonControl)
    SycNouveauClient
End Sub

' Modifier le client : Reprend le client de la ligne sélectionnée dans « Saisie client » pour le modifier.
Sub SycModifierClient()
    If Not SycOnRow("Clients", "Modifier le client", True) Then Exit Sub
    SycBusy "Modifier le client", True
    RunPython "import pyxl.macros as m; m.modifier_client(" & SycHere() & ")"
    SycBusy "Modifier le client", False
End Sub

Sub SycModifierClient_Ruban(control As IRibbonControl)
    SycModifierClient
End Sub

' Enregistrer l'article : Crée (ou modifie) l'article saisi sur la feuille « Saisie article ».
Sub SycEnregistrerArticle()
    If Not SycOnForm("Saisie article") Then Exit Sub
    SycBusy "Enregistrer l'article", True
    RunPython "import pyxl.macros as m; m.enregistrer_article(" & SycHere() & ")"
    SycBusy "Enregistrer l'article", False
End Sub

Sub SycEnregistrerArticle_Ruban(control As IRibbonControl)
    SycEnregistrerArticle
End Sub

' Modifier l'article : Reprend l'article de la ligne sélectionnée dans « Saisie article » pour le modifier.
Sub SycModifierArticle()
    If Not SycOnRow("Articles", "Modifier l'article", True) Then Exit Sub
    SycBusy "Modifier l'article", True
    RunPython "import pyxl.macros as m; m.modifier_article(" & SycHere() & ")"
    SycBusy "Modifier l'article", False
End Sub

Sub SycModifierArticle_Ruban(control As IRibbonControl)
    SycModifierArticle
End Sub

' Enregistrer le devis : Enregistre le devis saisi sur la feuille « Saisie devis » (brouillon numéroté).
Sub SycEnregistrerDevis()
    If Not SycOnForm("Saisie devis") Then Exit Sub
    SycBusy "Enregistrer le devis", True
    RunPython "import pyxl.macros as m; m.enregistrer_devis(" & SycHere() & ")"
    SycBusy "Enregistrer le devis", False
End Sub

Sub SycEnregistrerDevis_Ruban(control As IRibbonControl)
    SycEnregistrerDevis
End Sub

' Envoyer le devis : Marque le devis sélectionné comme envoyé ; par e-mail, prépare le message avec son PDF.
Sub SycEnvoyerDevis()
    If Not SycOnRow("Devis", "Envoyer le devis", True) Then Exit Sub
    Dim a1 As String
    If Not SycAsk("Envoyer aussi par e-mail au client (PDF en pièce jointe) ? oui / non", "oui", a1) Then Exit Sub
    SycBusy "Envoyer le devis", True
    RunPython "import pyxl.macros as m; m.envoyer_devis(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Envoyer le devis", False
End Sub

Sub SycEnvoyerDevis_Ruban(control As IRibbonControl)
    SycEnvoyerDevis
End Sub

' Devis à relancer : Liste les devis envoyés sans réponse depuis le délai de relance.
Sub SycDevisARelancer()
    SycBusy "Devis à relancer", True
    RunPython "import pyxl.macros as m; m.devis_a_relancer(" & SycHere() & ")"
    SycBusy "Devis à relancer", False
End Sub

Sub SycDevisARelancer_Ruban(control As IRibbonControl)
    SycDevisARelancer
End Sub

' Relancer le devis : Note la relance du devis sélectionné, avec une remise éventuelle (nouveau devis).
Sub SycRelancerDevis()
    If Not SycOnRow("Devis", "Relancer le devis", True) Then Exit Sub
    Dim a1 As String, a2 As String
    If Not SycAsk("Résultat de l'appel (ex. « rappeler lundi », « accord verbal ») :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Relancer le devis » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Remise commerciale accordée en % (10 à 20), ou laisser vide :", "", a2) Then Exit Sub
    SycBusy "Relancer le devis", True
    RunPython "import pyxl.macros as m; m.relancer_devis(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ", " & "'" & SycHex(a2) & "'" & ")"
    SycBusy "Relancer le devis", False
End Sub

Sub SycRelancerDevis_Ruban(control As IRibbonControl)
    SycRelancerDevis
End Sub

' Accepter le devis : Le client a signé le devis de la ligne sélectionnée.
Sub SycAccepterDevis()
    If Not SycOnRow("Devis", "Accepter le devis", True) Then Exit Sub
    Dim a1 As String, a2 As String
    If Not SycAsk("Contrat hors établissement : le client demande-t-il par écrit que les travaux commencent avant la fin du délai de rétractation de 14 jours ? (oui / non)", "non", a1) Then Exit Sub
    If Not SycAsk("Dépannage urgent demandé par le client (art. L221-28 8°) ? oui / non", "non", a2) Then Exit Sub
    SycBusy "Accepter le devis", True
    RunPython "import pyxl.macros as m; m.accepter_devis(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ", " & "'" & SycHex(a2) & "'" & ")"
    SycBusy "Accepter le devis", False
End Sub

Sub SycAccepterDevis_Ruban(control As IRibbonControl)
    SycAccepterDevis
End Sub

' Refuser le devis : Le client a refusé le devis sélectionné ; le motif sert aux statistiques.
Sub SycRefuserDevis()
    If Not SycOnRow("Devis", "Refuser le devis", True) Then Exit Sub
    Dim a1 As String
    If Not SycAsk("Motif du refus (prix, délai, concurrent…) :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Refuser le devis » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    SycBusy "Refuser le devis", True
    RunPython "import pyxl.macros as m; m.refuser_devis(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Refuser le devis", False
End Sub

Sub SycRefuserDevis_Ruban(control As IRibbonControl)
    SycRefuserDevis
End Sub

' Passer en commande : Crée le bon de commande du devis accepté sélectionné ; par e-mail, prépare le message.
Sub SycPasserCommande()
    If Not SycOnRow("Devis", "Passer en commande", True) Then Exit Sub
    Dim a1 As String
    If Not SycAsk("Envoyer aussi le bon de commande par e-mail au client (PDF en pièce jointe) ? oui / non", "non", a1) Then Exit Sub
    SycBusy "Passer en commande", True
    RunPython "import pyxl.macros as m; m.passer_commande(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Passer en commande", False
End Sub

Sub SycPasserCommande_Ruban(control As IRibbonControl)
    SycPasserCommande
End Sub

' Travaux réalisés : Note la fin des travaux de la commande sélectionnée.
Sub SycCommandeRealisee()
    If Not SycOnRow("Commandes", "Travaux réalisés", True) Then Exit Sub
    Dim a1 As String
    If Not SycAsk("Date de fin des travaux (JJ/MM/AAAA), vide pour aujourd'hui :", "", a1) Then Exit Sub
    SycBusy "Travaux réalisés", True
    RunPython "import pyxl.macros as m; m.commande_realisee(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Travaux réalisés", False
End Sub

Sub SycCommandeRealisee_Ruban(control As IRibbonControl)
    SycCommandeRealisee
End Sub

' Annuler la commande : Annule la commande sélectionnée (ses brouillons de facture sont supprimés).
Sub SycAnnulerCommande()
    If Not SycOnRow("Commandes", "Annuler la commande", False) Then Exit Sub
    Dim a1 As String
    If Not SycAsk("Motif de l'annulation :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Annuler la commande » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    SycBusy "Annuler la commande", True
    RunPython "import pyxl.macros as m; m.annuler_commande(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Annuler la commande", False
End Sub

Sub SycAnnulerCommande_Ruban(control As IRibbonControl)
    SycAnnulerCommande
End Sub

' Facture d'acompte : Prépare une facture d'acompte (brouillon) pour la commande sélectionnée.
Sub SycFactureAcompte()
    If Not SycOnRow("Commandes", "Facture d'acompte", True) Then Exit Sub
    Dim a1 As String
    If Not SycAsk("Acompte en % du total de la commande (ex. 30) :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Facture d'acompte » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    SycBusy "Facture d'acompte", True
    RunPython "import pyxl.macros as m; m.facture_acompte(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Facture d'acompte", False
End Sub

Sub SycFactureAcompte_Ruban(control As IRibbonControl)
    SycFactureAcompte
End Sub

' Facturer la commande : Prépare la facture (brouillon) de la commande sélectionnée, acomptes déduits.
Sub SycFacturer()
    If Not SycOnRow("Commandes", "Facturer la commande", True) Then Exit Sub
    SycBusy "Facturer la commande", True
    RunPython "import pyxl.macros as m; m.facturer(" & SycHere() & ")"
    SycBusy "Facturer la commande", False
End Sub

Sub SycFacturer_Ruban(control As IRibbonControl)
    SycFacturer
End Sub

' Émettre : Numéro définitif du brouillon sélectionné, après confirmation ; classeur enregistré ; e-mail préparé si demandé.
Sub SycEmettreFacture()
    If Not SycOnRow("Factures", "Émettre", False) Then Exit Sub
    Dim a1 As String
    If Not SycAsk("Envoyer aussi par e-mail au client (PDF en pièce jointe) ? oui / non", "oui", a1) Then Exit Sub
    SycBusy "Émettre", True
    RunPython "import pyxl.macros as m; m.emettre(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Émettre", False
End Sub

Sub SycEmettreFacture_Ruban(control As IRibbonControl)
    SycEmettreFacture
End Sub

' Faire un avoir : Prépare un avoir (brouillon), total ou sur quelques articles, de la facture sélectionnée ou d'une facture dont on tape le numéro, même d'un exercice archivé.
Sub SycAvoir()
    Dim a1 As String, a2 As String, a3 As String, a4 As String
    If Not SycAsk("Facture à créditer : son numéro (celle de la ligne sélectionnée est proposée ; une facture d'un exercice archivé se tape ici, ex. F2024-00007) :", SycRowValue("Factures", Array("Numéro", "Réf. interne")), a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Faire un avoir » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Motif de l'avoir :", "", a2) Then Exit Sub
    If Trim(a2) = "" Then
        MsgBox "Réponse obligatoire : l’action « Faire un avoir » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Cause de l'avoir : erreur, litige ou geste (geste commercial) :", "", a3) Then Exit Sub
    If Trim(a3) = "" Then
        MsgBox "Réponse obligatoire : l’action « Faire un avoir » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Articles à créditer, ex. MO-H:2 ; RAD-ACI:1 (vide : tout ce qui reste de la facture) :", "", a4) Then Exit Sub
    SycBusy "Faire un avoir", True
    RunPython "import pyxl.macros as m; m.faire_avoir(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ", " & "'" & SycHex(a2) & "'" & ", " & "'" & SycHex(a3) & "'" & ", " & "'" & SycHex(a4) & "'" & ")"
    SycBusy "Faire un avoir", False
End Sub

Sub SycAvoir_Ruban(control As IRibbonControl)
    SycAvoir
End Sub

' Supprimer le brouillon : Supprime le brouillon sélectionné (une pièce émise ne se supprime jamais).
Sub SycSupprimerBrouillon()
    If Not SycOnRow("Factures", "Supprimer le brouillon", False) Then Exit Sub
    SycBusy "Supprimer le brouillon", True
    RunPython "import pyxl.macros as m; m.supprimer_brouillon(" & SycHere() & ")"
    SycBusy "Supprimer le brouillon", False
End Sub

Sub SycSupprimerBrouillon_Ruban(control As IRibbonControl)
    SycSupprimerBrouillon
End Sub

' Pièces dues du client : Liste sous le formulaire les pièces que le client doit encore (factures, acomptes, notes de pénalités) et remplit le montant.
Sub SycPiecesDues()
    If Not SycOnForm("Saisie règlement") Then Exit Sub
    SycBusy "Pièces dues du client", True
    RunPython "import pyxl.macros as m; m.pieces_dues(" & SycHere() & ")"
    SycBusy "Pièces dues du client", False
End Sub

Sub SycPiecesDues_Ruban(control As IRibbonControl)
    SycPiecesDues
End Sub

' Aperçu du règlement : Montre ce que chaque pièce devra encore après ce règlement, et le crédit du client, sans rien enregistrer.
Sub SycApercuReglement()
    If Not SycOnForm("Saisie règlement") Then Exit Sub
    SycBusy "Aperçu du règlement", True
    RunPython "import pyxl.macros as m; m.apercu_reglement(" & SycHere() & ")"
    SycBusy "Aperçu du règlement", False
End Sub

Sub SycApercuReglement_Ruban(control As IRibbonControl)
    SycApercuReglement
End Sub

' Enregistrer le règlement : Enregistre le règlement saisi sur la feuille « Saisie règlement » (une ou plusieurs pièces, le reste en crédit du client) ; le classeur est enregistré.
Sub SycEnregistrerReglement()
    If Not SycOnForm("Saisie règlement") Then Exit Sub
    SycBusy "Enregistrer le règlement", True
    RunPython "import pyxl.macros as m; m.enregistrer_reglement(" & SycHere() & ")"
    SycBusy "Enregistrer le règlement", False
End Sub

Sub SycEnregistrerReglement_Ruban(control As IRibbonControl)
    SycEnregistrerReglement
End Sub

' Annuler le règlement : Annule toutes les parts du règlement sélectionné par des écritures opposées ; le classeur est enregistré.
Sub SycAnnulerReglement()
    If Not SycOnRow("Règlements", "Annuler le règlement", False) Then Exit Sub
    Dim a1 As String, a2 As String, a3 As String
    If Not SycAsk("Motif (chèque impayé, erreur de saisie…) :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Annuler le règlement » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Revenu impayé de la banque ? oui (impayé) ou non (erreur de saisie) ; vide si le chèque n'est pas encore remis :", "", a2) Then Exit Sub
    If Not SycAsk("Frais prélevés par la banque pour l'impayé (ex. 12,50), ou laisser vide :", "", a3) Then Exit Sub
    SycBusy "Annuler le règlement", True
    RunPython "import pyxl.macros as m; m.annuler_reglement(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ", " & "'" & SycHex(a2) & "'" & ", " & "'" & SycHex(a3) & "'" & ")"
    SycBusy "Annuler le règlement", False
End Sub

Sub SycAnnulerReglement_Ruban(control As IRibbonControl)
    SycAnnulerReglement
End Sub

' Bordereau de remise des chèques : Rassemble les chèques reçus et pas encore remis sur un bordereau numéroté, et produit son PDF ; le classeur est enregistré.
Sub SycBordereauCheques()
    Dim a1 As String
    If Not SycAsk("Banque de remise (laisser vide : celle des Paramètres) :", "", a1) Then Exit Sub
    SycBusy "Bordereau de remise des chèques", True
    RunPython "import pyxl.macros as m; m.bordereau_cheques(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Bordereau de remise des chèques", False
End Sub

Sub SycBordereauCheques_Ruban(control As IRibbonControl)
    SycBordereauCheques
End Sub

' Remise des paiements par carte : Rassemble les paiements par carte pas encore remis en un lot numéroté (PDF) ; le classeur est enregistré.
Sub SycBordereauCartes()
    SycBusy "Remise des paiements par carte", True
    RunPython "import pyxl.macros as m; m.bordereau_cartes(" & SycHere() & ")"
    SycBusy "Remise des paiements par carte", False
End Sub

Sub SycBordereauCartes_Ruban(control As IRibbonControl)
    SycBordereauCartes
End Sub

' Importer un relevé bancaire : Ajoute les lignes nouvelles du relevé à la feuille « Relevés » (une ligne déjà importée ne l'est jamais deux fois) ; le classeur est enregistré.
Sub SycImporterReleve()
    Dim a1 As String
    If Not SycAsk("Chemin complet du fichier du relevé (CAMT.053, OFX, CFONB 120 ou CSV de la banque) :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Importer un relevé bancaire » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    SycBusy "Importer un relevé bancaire", True
    RunPython "import pyxl.macros as m; m.importer_releve(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Importer un relevé bancaire", False
End Sub

Sub SycImporterReleve_Ruban(control As IRibbonControl)
    SycImporterReleve
End Sub

' Rapprocher le relevé : Confirme les correspondances exactes du relevé (virements, bordereaux, lots de carte) et montre les autres avec leur score ; propose d'enregistrer l'IBAN d'un virement que la fiche du client n'a pas ; le classeur est enregistré.
Sub SycRapprocher()
    SycBusy "Rapprocher le relevé", True
    RunPython "import pyxl.macros as m; m.rapprocher(" & SycHere() & ")"
    SycBusy "Rapprocher le relevé", False
End Sub

Sub SycRapprocher_Ruban(control As IRibbonControl)
    SycRapprocher
End Sub

' Encaisser l'acompte : La ligne de relevé sélectionnée paie un devis accepté ou une commande avant sa facture : établit et émet la facture d'acompte de son montant, réglée par la ligne dans le mode qu'elle indique (virement, chèque, carte) ; le classeur est enregistré.
Sub SycEncaisserAcompte()
    If Not SycOnRow("Relevés", "Encaisser l'acompte", False) Then Exit Sub
    Dim a1 As String
    If Not SycAsk("Commande ou devis accepté que paie la ligne (laisser vide : celui que propose le rapprochement) :", "", a1) Then Exit Sub
    SycBusy "Encaisser l'acompte", True
    RunPython "import pyxl.macros as m; m.encaisser_acompte(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Encaisser l'acompte", False
End Sub

Sub SycEncaisserAcompte_Ruban(control As IRibbonControl)
    SycEncaisserAcompte
End Sub

' Ignorer la ligne de relevé : Met de côté la ligne de relevé sélectionnée, qui n'est pas le paiement d'un client, avec son motif : elle n'est plus proposée au rapprochement ; le classeur est enregistré.
Sub SycIgnorerLigne()
    If Not SycOnRow("Relevés", "Ignorer la ligne de relevé", True) Then Exit Sub
    Dim a1 As String
    If Not SycAsk("Motif (frais bancaires, prélèvement d'un fournisseur, virement entre comptes…) :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Ignorer la ligne de relevé » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    SycBusy "Ignorer la ligne de relevé", True
    RunPython "import pyxl.macros as m; m.ignorer_ligne(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Ignorer la ligne de relevé", False
End Sub

Sub SycIgnorerLigne_Ruban(control As IRibbonControl)
    SycIgnorerLigne
End Sub

' Reprendre la ligne ignorée : Remet la ligne de relevé ignorée sélectionnée parmi les lignes à rapprocher ; le classeur est enregistré.
Sub SycReprendreLigne()
    If Not SycOnRow("Relevés", "Reprendre la ligne ignorée", True) Then Exit Sub
    SycBusy "Reprendre la ligne ignorée", True
    RunPython "import pyxl.macros as m; m.reprendre_ligne(" & SycHere() & ")"
    SycBusy "Reprendre la ligne ignorée", False
End Sub

Sub SycReprendreLigne_Ruban(control As IRibbonControl)
    SycReprendreLigne
End Sub

' Régler la facture : Ouvre « Saisie règlement » pour la facture de la ligne où vous êtes (feuille Factures ou une liste de travail) : pièce, client et reste dû déjà remplis, solde après le règlement affiché.
Sub SycReglerFacture()
    SycBusy "Régler la facture", True
    RunPython "import pyxl.macros as m; m.regler_facture(" & SycHere() & ")"
    SycBusy "Régler la facture", False
End Sub

Sub SycReglerFacture_Ruban(control As IRibbonControl)
    SycReglerFacture
End Sub

' Imputer le crédit du client : Règle la facture sélectionnée avec le crédit de son client (trop-perçu, avoir), sans mouvement d'argent ; le classeur est enregistré.
Sub SycImputerCredit()
    If Not SycOnRow("Factures", "Imputer le crédit du client", True) Then Exit Sub
    SycBusy "Imputer le crédit du client", True
    RunPython "import pyxl.macros as m; m.imputer_credit(" & SycHere() & ")"
    SycBusy "Imputer le crédit du client", False
End Sub

Sub SycImputerCredit_Ruban(control As IRibbonControl)
    SycImputerCredit
End Sub

' Rembourser le crédit : Rembourse au client sélectionné tout ou partie de son crédit ; le classeur est enregistré.
Sub SycRembourser()
    If Not SycOnRow("Clients", "Rembourser le crédit", True) Then Exit Sub
    Dim a1 As String, a2 As String, a3 As String
    If Not SycAsk("Montant à rembourser (au plus le crédit du client) :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Rembourser le crédit » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Mode : virement ou cheque :", "virement", a2) Then Exit Sub
    If Trim(a2) = "" Then
        MsgBox "Réponse obligatoire : l’action « Rembourser le crédit » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Motif (avoir, trop-perçu…) :", "", a3) Then Exit Sub
    If Trim(a3) = "" Then
        MsgBox "Réponse obligatoire : l’action « Rembourser le crédit » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    SycBusy "Rembourser le crédit", True
    RunPython "import pyxl.macros as m; m.rembourser(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ", " & "'" & SycHex(a2) & "'" & ", " & "'" & SycHex(a3) & "'" & ")"
    SycBusy "Rembourser le crédit", False
End Sub

Sub SycRembourser_Ruban(control As IRibbonControl)
    SycRembourser
End Sub

' Note de pénalités : Émet la note de pénalités de la facture en retard sélectionnée (pénalités et indemnité de 40 €, sans TVA) et son PDF ; le classeur est enregistré.
Sub SycNotePenalites()
    If Not SycOnRow("Factures", "Note de pénalités", True) Then Exit Sub
    SycBusy "Note de pénalités", True
    RunPython "import pyxl.macros as m; m.note_penalites(" & SycHere() & ")"
    SycBusy "Note de pénalités", False
End Sub

Sub SycNotePenalites_Ruban(control As IRibbonControl)
    SycNotePenalites
End Sub

' Créance douteuse : Déclare douteuse la facture sélectionnée : ce qui reste dû passe au compte 416, elle n'est plus relancée ; le classeur est enregistré.
Sub SycCreanceDouteuse()
    If Not SycOnRow("Factures", "Créance douteuse", True) Then Exit Sub
    Dim a1 As String
    If Not SycAsk("Motif (ex. « redressement judiciaire du 12/03/2026 ») :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Créance douteuse » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    SycBusy "Créance douteuse", True
    RunPython "import pyxl.macros as m; m.creance_douteuse(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Créance douteuse", False
End Sub

Sub SycCreanceDouteuse_Ruban(control As IRibbonControl)
    SycCreanceDouteuse
End Sub

' Passer en perte : Passe en perte la facture sélectionnée, irrécouvrable : compte 654, TVA reprise ; elle n'est plus due ni relancée ; le classeur est enregistré.
Sub SycPassePerte()
    If Not SycOnRow("Factures", "Passer en perte", True) Then Exit Sub
    Dim a1 As String
    If Not SycAsk("Motif (ex. « liquidation clôturée pour insuffisance d'actif ») :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Passer en perte » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    SycBusy "Passer en perte", True
    RunPython "import pyxl.macros as m; m.passer_en_perte(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Passer en perte", False
End Sub

Sub SycPassePerte_Ruban(control As IRibbonControl)
    SycPassePerte
End Sub

' Relances de la semaine : Séance du vendredi et du lundi : appels à passer, lettres et dossiers dus, arrêts et alarmes.
Sub SycRelancesSemaine()
    SycBusy "Relances de la semaine", True
    RunPython "import pyxl.macros as m; m.relances_semaine(" & SycHere() & ")"
    SycBusy "Relances de la semaine", False
End Sub

Sub SycRelancesSemaine_Ruban(control As IRibbonControl)
    SycRelancesSemaine
End Sub

' Produire les lettres de relance : Toutes les lettres et dossiers dus en un lot : un PDF par client, un PDF à imprimer, brouillons d'e-mail ; chaque étape notée dans « Relances ».
Sub SycProduireRelances()
    SycBusy "Produire les lettres de relance", True
    RunPython "import pyxl.macros as m; m.produire_relances(" & SycHere() & ")"
    SycBusy "Produire les lettres de relance", False
End Sub

Sub SycProduireRelances_Ruban(control As IRibbonControl)
    SycProduireRelances
End Sub

' Noter un appel : Note le résultat de l'appel de relance de la facture sélectionnée.
Sub SycNoterRelance()
    If Not SycOnRow("Factures", "Noter un appel", True) Then Exit Sub
    Dim a1 As String, a2 As String, a3 As String
    If Not SycAsk("Résultat de l'appel : sans-reponse, message, promesse, litige, echeancier, mauvais-numero ou fait :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Noter un appel » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Promesse : date promise (JJ/MM/AAAA) ; échéancier : échéances DATE:MONTANT séparées par des virgules ; sinon laisser vide :", "", a2) Then Exit Sub
    If Not SycAsk("Ce qui a été dit (motif du litige…), ou laisser vide :", "", a3) Then Exit Sub
    SycBusy "Noter un appel", True
    RunPython "import pyxl.macros as m; m.noter_relance(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ", " & "'" & SycHex(a2) & "'" & ", " & "'" & SycHex(a3) & "'" & ")"
    SycBusy "Noter un appel", False
End Sub

Sub SycNoterRelance_Ruban(control As IRibbonControl)
    SycNoterRelance
End Sub

' Noter dépôt ou accusé : Note le dépôt, le n° de recommandé ou l'accusé de réception de la dernière lettre de relance de la facture sélectionnée : les délais courent de ces dates.
Sub SycNoterEnvoiRelance()
    If Not SycOnRow("Factures", "Noter dépôt ou accusé", True) Then Exit Sub
    Dim a1 As String, a2 As String, a3 As String
    If Not SycAsk("Date de dépôt à la poste (JJ/MM/AAAA), ou laisser vide :", "", a1) Then Exit Sub
    If Not SycAsk("N° du recommandé, ou laisser vide :", "", a2) Then Exit Sub
    If Not SycAsk("Date de l'accusé de réception (JJ/MM/AAAA), ou laisser vide :", "", a3) Then Exit Sub
    SycBusy "Noter dépôt ou accusé", True
    RunPython "import pyxl.macros as m; m.noter_envoi_relance(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ", " & "'" & SycHex(a2) & "'" & ", " & "'" & SycHex(a3) & "'" & ")"
    SycBusy "Noter dépôt ou accusé", False
End Sub

Sub SycNoterEnvoiRelance_Ruban(control As IRibbonControl)
    SycNoterEnvoiRelance
End Sub

' PDF du document : Produit (ou retrouve) le PDF du devis, de la commande, de la facture ou de l'avoir de la ligne où vous êtes, et l'ouvre.
Sub SycDocumentPDF()
    SycBusy "PDF du document", True
    RunPython "import pyxl.macros as m; m.document_pdf(" & SycHere() & ")"
    SycBusy "PDF du document", False
End Sub

Sub SycDocumentPDF_Ruban(control As IRibbonControl)
    SycDocumentPDF
End Sub

' Préparer l'e-mail : PDF et brouillon d'e-mail au client (pièce jointe), noté au Journal des envois ; le brouillon s'ouvre dans la messagerie.
Sub SycPreparerEmail()
    SycBusy "Préparer l'e-mail", True
    RunPython "import pyxl.macros as m; m.preparer_email(" & SycHere() & ")"
    SycBusy "Préparer l'e-mail", False
End Sub

Sub SycPreparerEmail_Ruban(control As IRibbonControl)
    SycPreparerEmail
End Sub

' Copie acquittée : La facture réglée de la ligne sélectionnée, tamponnée « Acquittée » avec la date et le mode de règlement.
Sub SycCopieAcquittee()
    If Not SycOnRow("Factures", "Copie acquittée", True) Then Exit Sub
    SycBusy "Copie acquittée", True
    RunPython "import pyxl.macros as m; m.copie_acquittee(" & SycHere() & ")"
    SycBusy "Copie acquittée", False
End Sub

Sub SycCopieAcquittee_Ruban(control As IRibbonControl)
    SycCopieAcquittee
End Sub

' Lancer le publipostage : Une lettre à chaque client choisi sur la feuille « Publipostage » (PDF par client et à imprimer).
Sub SycPublipostage()
    If Not SycOnForm("Publipostage") Then Exit Sub
    SycBusy "Lancer le publipostage", True
    RunPython "import pyxl.macros as m; m.publipostage(" & SycHere() & ")"
    SycBusy "Lancer le publipostage", False
End Sub

Sub SycPublipostage_Ruban(control As IRibbonControl)
    SycPublipostage
End Sub

' Simuler : Liste les clients que le publipostage retiendrait, sans rien produire.
Sub SycSimulerPublipostage()
    If Not SycOnForm("Publipostage") Then Exit Sub
    SycBusy "Simuler", True
    RunPython "import pyxl.macros as m; m.simuler_publipostage(" & SycHere() & ")"
    SycBusy "Simuler", False
End Sub

Sub SycSimulerPublipostage_Ruban(control As IRibbonControl)
    SycSimulerPublipostage
End Sub

' Actualiser le tableau de bord : Calcule les chiffres du directeur (12 derniers mois) et les graphiques, sur la feuille « Tableau de bord ».
Sub SycTableauDeBord()
    SycBusy "Actualiser le tableau de bord", True
    RunPython "import pyxl.macros as m; m.actualiser_tableau_de_bord(" & SycHere() & ")"
    SycBusy "Actualiser le tableau de bord", False
End Sub

Sub SycTableauDeBord_Ruban(control As IRibbonControl)
    SycTableauDeBord
End Sub

' Export FEC pour le comptable : Écrit le fichier des écritures (FEC) de l'exercice, ventes et encaissements, dans le dossier « FEC » à côté du classeur, avec sa description.
Sub SycExportFEC()
    Dim a1 As String
    If Not SycAsk("Année de clôture de l'exercice (ex. 2026) :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Export FEC pour le comptable » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    SycBusy "Export FEC pour le comptable", True
    RunPython "import pyxl.macros as m; m.export_fec(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Export FEC pour le comptable", False
End Sub

Sub SycExportFEC_Ruban(control As IRibbonControl)
    SycExportFEC
End Sub

' Chiffres de TVA : TVA collectée de la période par taux, avec les lignes de la CA3 ou les acomptes de la CA12.
Sub SycChiffresTVA()
    Dim a1 As String, a2 As String
    If Not SycAsk("Période : un mois (2026-03), un trimestre (2026-T1) ou une année (2026) :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Chiffres de TVA » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("CA12 seulement : TVA due de l'année précédente, après déductions (laisser vide : TVA collectée selon les écritures) :", "", a2) Then Exit Sub
    SycBusy "Chiffres de TVA", True
    RunPython "import pyxl.macros as m; m.chiffres_tva(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ", " & "'" & SycHex(a2) & "'" & ")"
    SycBusy "Chiffres de TVA", False
End Sub

Sub SycChiffresTVA_Ruban(control As IRibbonControl)
    SycChiffresTVA
End Sub

' Balance des comptes : Débits, crédits et soldes de chaque compte des écritures de l'exercice.
Sub SycBalance()
    Dim a1 As String
    If Not SycAsk("Année de clôture de l'exercice (laisser vide : l'exercice en cours) :", "", a1) Then Exit Sub
    SycBusy "Balance des comptes", True
    RunPython "import pyxl.macros as m; m.balance_comptable(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Balance des comptes", False
End Sub

Sub SycBalance_Ruban(control As IRibbonControl)
    SycBalance
End Sub

' Grand livre du client : Les écritures du compte du client de la ligne sélectionnée (feuille Clients, ou une de ses pièces) : date, pièce, libellé, débit, crédit, solde et lettrage.
Sub SycGrandLivreClient()
    SycBusy "Grand livre du client", True
    RunPython "import pyxl.macros as m; m.grand_livre_client(" & SycHere() & ")"
    SycBusy "Grand livre du client", False
End Sub

Sub SycGrandLivreClient_Ruban(control As IRibbonControl)
    SycGrandLivreClient
End Sub

' Vérifier le classeur : Vérifie le journal d'audit, les pièces émises et la numérotation.
Sub SycVerifier()
    SycBusy "Vérifier le classeur", True
    RunPython "import pyxl.macros as m; m.verifier(" & SycHere() & ")"
    SycBusy "Vérifier le classeur", False
End Sub

Sub SycVerifier_Ruban(control As IRibbonControl)
    SycVerifier
End Sub

' Actualiser les listes : Recompte toutes les listes de travail (devis à relancer, factures en retard, chèques à remettre…) et leurs nombres sur « Accueil » ; fait aussi à l'ouverture du classeur.
Sub SycActualiserListes()
    SycBusy "Actualiser les listes", True
    RunPython "import pyxl.macros as m; m.actualiser_listes(" & SycHere() & ")"
    SycBusy "Actualiser les listes", False
End Sub

Sub SycActualiserListes_Ruban(control As IRibbonControl)
    SycActualiserListes
End Sub

' Actualiser : Classeur relié à une base PostgreSQL : affiche les lignes ajoutées ou modifiées dans la base depuis le dernier affichage (par vous ou un autre poste) ; fait aussi à l'ouverture du classeur.
Sub SycActualiser()
    SycBusy "Actualiser", True
    RunPython "import pyxl.macros as m; m.actualiser(" & SycHere() & ")"
    SycBusy "Actualiser", False
End Sub

Sub SycActualiser_Ruban(control As IRibbonControl)
    SycActualiser
End Sub

' Diagnostic : Versions de Python et d'xlwings, chemins, LibreOffice ou Word, test d'écriture.
Sub SycDiagnostic()
    SycBusy "Diagnostic", True
    RunPython "import pyxl.macros as m; m.diagnostic(" & SycHere() & ", " & "'" & SycHex(XLWINGS_VERSION) & "'" & ", " & "'" & SycHex(SYC_MODULE_VERSION) & "'" & ", " & "'" & SycHex(Application.Version) & "'" & ", " & "'" & SycHex(ThisWorkbook.FullName) & "'" & ")"
    SycBusy "Diagnostic", False
End Sub

Sub SycDiagnostic_Ruban(control As IRibbonControl)
    SycDiagnostic
End Sub

' Proposer des créneaux : Les premiers créneaux libres pour la commande ou l'intervention de la ligne sélectionnée (compétence, horaires, absences, jours fériés, souhaits du client, secteur), chacun avec sa raison.
Sub SycProposerCreneaux()
    SycBusy "Proposer des créneaux", True
    RunPython "import pyxl.macros as m; m.proposer_creneaux(" & SycHere() & ")"
    SycBusy "Proposer des créneaux", False
End Sub

Sub SycProposerCreneaux_Ruban(control As IRibbonControl)
    SycProposerCreneaux
End Sub

' Planifier : Réserve le créneau choisi pour la commande ou l'intervention de la ligne sélectionnée ; l'invitation d'agenda du technicien est préparée.
Sub SycPlanifier()
    Dim a1 As String, a2 As String
    If Not SycAsk("Créneau : numéro du créneau proposé (1 = le premier), ou technicien et début, ex. « T01 2026-12-14 08:30 » :", "1", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Planifier » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Durée (ex. 2h30), vide pour la durée prévue :", "", a2) Then Exit Sub
    SycBusy "Planifier", True
    RunPython "import pyxl.macros as m; m.planifier(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ", " & "'" & SycHex(a2) & "'" & ")"
    SycBusy "Planifier", False
End Sub

Sub SycPlanifier_Ruban(control As IRibbonControl)
    SycPlanifier
End Sub

' Déplacer l'intervention : Déplace l'intervention sélectionnée (autre jour, heure ou technicien) ; les agendas sont mis à jour.
Sub SycDeplacerIntervention()
    If Not SycOnRow("Interventions", "Déplacer l'intervention", True) Then Exit Sub
    Dim a1 As String, a2 As String, a3 As String
    If Not SycAsk("Nouveau début (AAAA-MM-JJ HH:MM) :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Déplacer l'intervention » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Autre technicien (code, ex. T02), vide pour le même :", "", a2) Then Exit Sub
    If Not SycAsk("Motif du déplacement :", "", a3) Then Exit Sub
    SycBusy "Déplacer l'intervention", True
    RunPython "import pyxl.macros as m; m.deplacer_intervention(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ", " & "'" & SycHex(a2) & "'" & ", " & "'" & SycHex(a3) & "'" & ")"
    SycBusy "Déplacer l'intervention", False
End Sub

Sub SycDeplacerIntervention_Ruban(control As IRibbonControl)
    SycDeplacerIntervention
End Sub

' Annuler l'intervention : Reporte (à replanifier) ou annule l'intervention sélectionnée ; l'agenda du technicien est prévenu.
Sub SycAnnulerIntervention()
    If Not SycOnRow("Interventions", "Annuler l'intervention", True) Then Exit Sub
    Dim a1 As String, a2 As String
    If Not SycAsk("Motif :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Annuler l'intervention » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Annulation définitive ? (oui : annulée ; non : à replanifier)", "non", a2) Then Exit Sub
    SycBusy "Annuler l'intervention", True
    RunPython "import pyxl.macros as m; m.annuler_intervention(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ", " & "'" & SycHex(a2) & "'" & ")"
    SycBusy "Annuler l'intervention", False
End Sub

Sub SycAnnulerIntervention_Ruban(control As IRibbonControl)
    SycAnnulerIntervention
End Sub

' Intervention réalisée : Note l'intervention sélectionnée réalisée ; la dernière d'une commande réalise la commande.
Sub SycInterventionRealisee()
    If Not SycOnRow("Interventions", "Intervention réalisée", True) Then Exit Sub
    Dim a1 As String, a2 As String
    If Not SycAsk("Date de l'intervention (JJ/MM/AAAA), vide pour aujourd'hui :", "", a1) Then Exit Sub
    If Not SycAsk("Rapport du technicien, ou laisser vide :", "", a2) Then Exit Sub
    SycBusy "Intervention réalisée", True
    RunPython "import pyxl.macros as m; m.intervention_realisee(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ", " & "'" & SycHex(a2) & "'" & ")"
    SycBusy "Intervention réalisée", False
End Sub

Sub SycInterventionRealisee_Ruban(control As IRibbonControl)
    SycInterventionRealisee
End Sub

' Confirmer au client : Lettre et brouillon d'e-mail au client de l'intervention sélectionnée : le jour et la demi-journée.
Sub SycConfirmerIntervention()
    If Not SycOnRow("Interventions", "Confirmer au client", True) Then Exit Sub
    SycBusy "Confirmer au client", True
    RunPython "import pyxl.macros as m; m.confirmer_intervention(" & SycHere() & ")"
    SycBusy "Confirmer au client", False
End Sub

Sub SycConfirmerIntervention_Ruban(control As IRibbonControl)
    SycConfirmerIntervention
End Sub

' Planning de la semaine : La semaine de chaque technicien (interventions, absences, jours fériés) et les commandes à planifier.
Sub SycPlanningSemaine()
    Dim a1 As String
    If Not SycAsk("Semaine (AAAA-Wnn, ex. 2026-W51), vide pour la semaine en cours :", "", a1) Then Exit Sub
    SycBusy "Planning de la semaine", True
    RunPython "import pyxl.macros as m; m.planning_semaine(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Planning de la semaine", False
End Sub

Sub SycPlanningSemaine_Ruban(control As IRibbonControl)
    SycPlanningSemaine
End Sub

' Feuille de journée : La feuille de journée du technicien sélectionné : ses visites dans l'ordre de la tournée (PDF).
Sub SycFeuilleJournee()
    If Not SycOnRow("Techniciens", "Feuille de journée", True) Then Exit Sub
    Dim a1 As String
    If Not SycAsk("Jour (JJ/MM/AAAA), vide pour demain :", "", a1) Then Exit Sub
    SycBusy "Feuille de journée", True
    RunPython "import pyxl.macros as m; m.feuille_journee(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Feuille de journée", False
End Sub

Sub SycFeuilleJournee_Ruban(control As IRibbonControl)
    SycFeuilleJournee
End Sub

' Ajouter un technicien : Ajoute un technicien (code T01, T02…) avec ses compétences, horaires et certificats ; le classeur est enregistré.
Sub SycAjouterTechnicien()
    Dim a1 As String, a2 As String, a3 As String, a4 As String, a5 As String, a6 As String
    If Not SycAsk("Nom du technicien :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Ajouter un technicien » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Compétences, séparées par des virgules (gaz, fioul, pac, biomasse, solaire, ramonage, climatisation) :", "", a2) Then Exit Sub
    If Trim(a2) = "" Then
        MsgBox "Réponse obligatoire : l’action « Ajouter un technicien » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Secteur de départ (nom d'un secteur de la feuille Secteurs) :", "", a3) Then Exit Sub
    If Not SycAsk("Téléphone :", "", a4) Then Exit Sub
    If Not SycAsk("Horaires, ex. lun-ven 08:00-12:00 13:30-17:30 (vide : ceux-là) :", "", a5) Then Exit Sub
    If Not SycAsk("Certificats et leur échéance, ex. fluides 2027-06-30 (vide : aucun) :", "", a6) Then Exit Sub
    SycBusy "Ajouter un technicien", True
    RunPython "import pyxl.macros as m; m.ajouter_technicien(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ", " & "'" & SycHex(a2) & "'" & ", " & "'" & SycHex(a3) & "'" & ", " & "'" & SycHex(a4) & "'" & ", " & "'" & SycHex(a5) & "'" & ", " & "'" & SycHex(a6) & "'" & ")"
    SycBusy "Ajouter un technicien", False
End Sub

Sub SycAjouterTechnicien_Ruban(control As IRibbonControl)
    SycAjouterTechnicien
End Sub

' Absence du technicien : Note une absence du technicien sélectionné ; ses interventions à déplacer sont nommées.
Sub SycAbsenceTechnicien()
    If Not SycOnRow("Techniciens", "Absence du technicien", True) Then Exit Sub
    Dim a1 As String, a2 As String, a3 As String
    If Not SycAsk("Premier jour d'absence (JJ/MM/AAAA) :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Absence du technicien » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Dernier jour d'absence (JJ/MM/AAAA) :", "", a2) Then Exit Sub
    If Trim(a2) = "" Then
        MsgBox "Réponse obligatoire : l’action « Absence du technicien » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Motif : conges, formation, maladie ou autre :", "conges", a3) Then Exit Sub
    If Trim(a3) = "" Then
        MsgBox "Réponse obligatoire : l’action « Absence du technicien » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    SycBusy "Absence du technicien", True
    RunPython "import pyxl.macros as m; m.absence_technicien(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ", " & "'" & SycHex(a2) & "'" & ", " & "'" & SycHex(a3) & "'" & ")"
    SycBusy "Absence du technicien", False
End Sub

Sub SycAbsenceTechnicien_Ruban(control As IRibbonControl)
    SycAbsenceTechnicien
End Sub

' Agenda du technicien (.ics) : Écrit le fichier d'agenda du technicien sélectionné (toutes ses interventions planifiées), à placer dans le dossier partagé auquel son téléphone est abonné.
Sub SycAgendaTechnicien()
    If Not SycOnRow("Techniciens", "Agenda du technicien (.ics)", True) Then Exit Sub
    SycBusy "Agenda du technicien (.ics)", True
    RunPython "import pyxl.macros as m; m.agenda_technicien(" & SycHere() & ")"
    SycBusy "Agenda du technicien (.ics)", False
End Sub

Sub SycAgendaTechnicien_Ruban(control As IRibbonControl)
    SycAgendaTechnicien
End Sub

' Nouveau contrat d'entretien : Crée un contrat d'entretien pour le client sélectionné ; les visites et factures en découlent ; le classeur est enregistré.
Sub SycNouveauContrat()
    If Not SycOnRow("Clients", "Nouveau contrat d'entretien", True) Then Exit Sub
    Dim a1 As String, a2 As String, a3 As String, a4 As String, a5 As String, a6 As String
    If Not SycAsk("Équipement (catégorie d'article, ex. Chaudière gaz, PAC air/eau) :", "", a1) Then Exit Sub
    If Trim(a1) = "" Then
        MsgBox "Réponse obligatoire : l’action « Nouveau contrat d'entretien » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Formule (ex. Entretien annuel) :", "Entretien annuel", a2) Then Exit Sub
    If Trim(a2) = "" Then
        MsgBox "Réponse obligatoire : l’action « Nouveau contrat d'entretien » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Prix annuel HT :", "", a3) Then Exit Sub
    If Trim(a3) = "" Then
        MsgBox "Réponse obligatoire : l’action « Nouveau contrat d'entretien » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Début du contrat (JJ/MM/AAAA), vide : aujourd'hui :", "", a4) Then Exit Sub
    If Not SycAsk("Logement achevé depuis plus de 2 ans ? oui ou non :", "oui", a5) Then Exit Sub
    If Trim(a5) = "" Then
        MsgBox "Réponse obligatoire : l’action « Nouveau contrat d'entretien » n’est pas faite.", vbInformation, "SYC Gestion"
        Exit Sub
    End If
    If Not SycAsk("Marque, modèle et puissance en kW séparés par « ; » (la puissance est exigée pour une PAC), ou vide :", "", a6) Then Exit Sub
    SycBusy "Nouveau contrat d'entretien", True
    RunPython "import pyxl.macros as m; m.nouveau_contrat(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ", " & "'" & SycHex(a2) & "'" & ", " & "'" & SycHex(a3) & "'" & ", " & "'" & SycHex(a4) & "'" & ", " & "'" & SycHex(a5) & "'" & ", " & "'" & SycHex(a6) & "'" & ")"
    SycBusy "Nouveau contrat d'entretien", False
End Sub

Sub SycNouveauContrat_Ruban(control As IRibbonControl)
    SycNouveauContrat
End Sub

' Visites d'entretien du mois : Les visites d'entretien dues d'ici la fin du mois, créées à planifier, avec un créneau proposé.
Sub SycVisitesDuMois()
    Dim a1 As String
    If Not SycAsk("Mois (AAAA-MM), vide pour le mois en cours :", "", a1) Then Exit Sub
    SycBusy "Visites d'entretien du mois", True
    RunPython "import pyxl.macros as m; m.visites_du_mois(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Visites d'entretien du mois", False
End Sub

Sub SycVisitesDuMois_Ruban(control As IRibbonControl)
    SycVisitesDuMois
End Sub

' Attestation d'entretien : L'attestation d'entretien (PDF) de la visite réalisée sélectionnée, à remettre sous 15 jours ; sa date de remise est notée.
Sub SycAttestationEntretien()
    If Not SycOnRow("Interventions", "Attestation d'entretien", True) Then Exit Sub
    Dim a1 As String
    If Not SycAsk("Date de remise au client (JJ/MM/AAAA), vide pour aujourd'hui :", "", a1) Then Exit Sub
    SycBusy "Attestation d'entretien", True
    RunPython "import pyxl.macros as m; m.attestation_entretien(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Attestation d'entretien", False
End Sub

Sub SycAttestationEntretien_Ruban(control As IRibbonControl)
    SycAttestationEntretien
End Sub

' Avis de reconduction : Les avis de reconduction à envoyer (art. L215-1 du Code de la consommation) et les alarmes ; avec « oui », les lettres et e-mails sont préparés et l'envoi noté.
Sub SycAvisReconduction()
    Dim a1 As String
    If Not SycAsk("Préparer les avis et noter leur envoi aujourd'hui ? (oui / non : la liste seulement)", "non", a1) Then Exit Sub
    SycBusy "Avis de reconduction", True
    RunPython "import pyxl.macros as m; m.avis_reconduction(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Avis de reconduction", False
End Sub

Sub SycAvisReconduction_Ruban(control As IRibbonControl)
    SycAvisReconduction
End Sub

' Facturer les contrats du mois : Émet les factures des contrats dont la période commence dans le mois (jamais deux fois la même période) ; le classeur est enregistré.
Sub SycFacturerContrats()
    Dim a1 As String
    If Not SycAsk("Mois (AAAA-MM), vide pour le mois en cours :", "", a1) Then Exit Sub
    SycBusy "Facturer les contrats du mois", True
    RunPython "import pyxl.macros as m; m.facturer_contrats(" & SycHere() & ", " & "'" & SycHex(a1) & "'" & ")"
    SycBusy "Facturer les contrats du mois", False
End Sub

Sub SycFacturerContrats_Ruban(control As IRibbonControl)
    SycFacturerContrats
End Sub

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
