"""The catalogue of the sentences a user reads (style guide, rule 7; Tryton's message.xml): each
written once, in French, keyed by the code of the problem it reports (`Issue.code`) or, for what is
not a problem, by the action that says it. The CLI, the Excel buttons and the services all take
their sentence from here, so a wording is changed in one place and the two front ends never drift.

A key names one sentence; several sentences reported under one issue code get a suffix
(`client.duplicate.name`, `client.duplicate.value`). Placeholders are `str.format` fields, filled
with values already formatted (`pyxl.core.frformat`). `tests/test_messages.py` checks that every key
is used and that no sentence of the catalogue is written again elsewhere.

Not every message lives here yet: the sales chain, dunning, documents and the store still write
most of theirs in place; they move here as they are touched.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------------ any record (services.common)
    "record.updated": "{what} modifié : {columns}.",
    "record.unchanged": "{what} : aucune valeur n'a changé.",
    # ------------------------------------------------------------------ clients (services.clients)
    "client.label": "Client {code}",
    "client.label.new": "Client « {name} »",
    "client.label.row": "Client {code} ({where})",
    "client.where": "Clients, code {code}",
    "client.created": "Client {code} créé : {name}.",
    "client.unknown": "Client « {code} » introuvable. Voyez la liste avec « syc client liste ».",
    "client.nothing": "Client {code} : rien à modifier (indiquez par exemple --tel).",
    "client.sector": "Client {code} : aucun secteur pour le code postal {postcode} (syc secteur ajouter).",
    "client.category": "la catégorie (commerçant-artisan / autre) ne concerne que les professionnels : "
                       "videz-la (--categorie \"\").",
    "client.category.form": "la catégorie « Autre » contredit la forme {form} du nom, commerciale par sa forme "
                            "(art. L210-1 du Code de commerce) : un litige irait devant le tribunal de commerce. "
                            "Choisissez --categorie commercant-artisan si la forme est exacte.",
    "client.duplicate.name": "un client du même nom existe déjà au même code postal : {code} ({where}). {check}",
    "client.duplicate.value": "{what} {value} est déjà celui du client {code} ({where}).",
    "client.duplicate.siren": "le client {code} ({where}) est la même entreprise (SIREN {siren}). {check}",
    "client.duplicate.check": "Vérifiez qu'il ne s'agit pas d'un doublon.",
    # ------------------------------------------------------------------ articles (services.articles)
    "article.label": "Article {code}",
    "article.label.new": "Article « {code} »",
    "article.label.row": "Article {code} ({where})",
    "article.where": "Articles, code {code}",
    "article.created": "Article {code} créé : {designation}.",
    "article.unknown": "Article « {code} » introuvable (syc article liste).",
    "article.nothing": "Article {code} : rien à modifier (ex. --pu-ht 120).",
    "article.code.required": "le code est obligatoire (ex. CHG-25).",
    "article.code": "le code « {code} » ne peut contenir que lettres, chiffres, . _ / - "
                    "(20 caractères au plus, sans espace).",
    "article.duplicate": "le code {code} existe déjà (syc article voir {code}).",
    "article.unit": "la main-d'œuvre se compte d'habitude à l'heure (h) ou au forfait.",
    "article.margin": "le prix d'achat ({purchase} €) dépasse le prix de vente ({price} €).",
    # ------------------------------------------------------------------ bank statements (core.bank)
    "releve.refus": "Relevé refusé, {where} : {text} Rien n'a été importé.",
    "releve.ou": "fichier « {name} »",
    "releve.ou.ligne": "fichier « {name} », ligne {line}",
    "releve.illisible": "Relevé « {name} » illisible ({error}) : rien n'a été importé.",
    "releve.vide": "le fichier est vide.",
    "releve.encodage": "le texte n'est ni en UTF-8 ni en Windows-1252 (encodage inconnu). "
                       "Exportez de nouveau le relevé depuis le site de la banque.",
    "releve.binaire": "le fichier contient des caractères de contrôle : ce n'est pas un relevé en texte.",
    "releve.montant": "le montant « {text} » n'est pas un montant lisible.",
    "releve.date": "la date « {text} » n'existe pas ou n'est pas lisible.",
    "releve.tronque": "le fichier s'arrête avant la fin du relevé (fichier tronqué). "
                      "Téléchargez-le de nouveau.",
    "releve.format": "ce fichier n'est ni un relevé CAMT.053, ni OFX, ni CFONB 120, ni CSV.",
    "releve.format.inconnu": "format « {fmt} » inconnu (formats : {formats}).",
    "releve.xml": "le XML est mal formé ou incomplet ({error}).",
    "releve.camt.pas053": "ce n'est pas un relevé camt.053 (document {found}).",
    "releve.camt.version": "la version {version} n'est pas lue (versions lues : camt.053.001.02 à .001.08).",
    "releve.camt.champ": "l'élément obligatoire {field} manque ou est vide.",
    "releve.ofx.pas_ofx": "aucune balise <OFX> : ce n'est pas un relevé OFX.",
    "releve.ofx.syntaxe": "balisage OFX illisible près de « {text} ».",
    "releve.ofx.champ": "l'élément OFX obligatoire {field} manque ou est vide.",
    "releve.cfonb.longueur": "un enregistrement CFONB fait 120 caractères, celui-ci {length}.",
    "releve.cfonb.code": "code d'enregistrement « {code} » inconnu (attendus : 01, 04, 05, 07).",
    "releve.cfonb.ordre": "enregistrement hors de sa place (un relevé va de 01 à 07, "
                          "les 04 et 05 du même compte entre les deux).",
    "releve.cfonb.solde": "l'ancien solde et les mouvements ne donnent pas le nouveau solde : "
                          "des mouvements manquent (fichier incomplet).",
    "releve.csv.sans_montant": "ni débit ni crédit sur cette ligne.",
    "releve.csv.entete": "la ligne d'en-tête attendue par ce profil est introuvable. "
                         "Choisissez un autre profil ou faites proposer une correspondance des colonnes.",
    "releve.csv.format": "aucun profil de banque ne reconnaît l'en-tête de ce CSV. "
                         "Indiquez le profil (--profil) ou faites proposer une correspondance des colonnes.",
    "releve.csv.profil_inconnu": "profil CSV « {key} » inconnu (profils : {keys}).",
    "releve.csv.proposition": "impossible de reconnaître la date, le montant et le libellé dans l'en-tête "
                              "« {header} ». Indiquez les colonnes une par une.",
    "releve.importe": "Relevé « {name} » ({fmt}) : {lines} ({first} à {last}), crédits {credits}, débits {debits}.",
    "releve.importe.deja": "{lines}.",
    "releve.importe.suite": "Étape suivante : syc banque rapprocher",
    "releve.aucune_operation": "Relevé « {name} » : il ne contient aucune opération ; rien n'a été importé.",
    "releve.rien_de_neuf": "Relevé « {name} » : aucune ligne nouvelle ({lines}).",
    "rapprochement.bilan": "{lines} : {exact}, {proposed}, {ambiguous}, {unmatched} ; {items} sans ligne.",
    "rapprochement.confirmees": "{lines}.",
    "rapprochement.a_confirmer": "Étape suivante : syc banque rapprocher --tout-exact (confirme les exactes)",
    "rapprochement.montant": "montant exact",
    "rapprochement.somme": "montant égal au total de {count} pièces",
    "rapprochement.commission": "commission de {fee} retenue par la banque",
    "rapprochement.numero": "n° {number} dans le libellé",
    "rapprochement.remise": "libellé de remise de chèques",
    "rapprochement.carte": "libellé de remise carte",
    "rapprochement.iban": "IBAN du client",
    "rapprochement.nom": "nom du client dans le libellé",
    "rapprochement.date": "date proche de l'échéance",
    "rapprochement.date.remboursement": "débitée peu après le remboursement",
    # ------------------------------------------------------------------ payments (services.payments)
    "reglement.montant.negatif": "le montant doit être positif (une erreur se corrige par « syc reglement annuler ID "
                                 "--motif … »).",
    "reglement.avoir": "un avoir ne se règle pas : il diminue ce que doit le client (son excédent devient un crédit, "
                       "remboursable par « syc remboursement creer »).",
    "reglement.client.autre": "{name} est au client {other}, pas à {client} : un paiement s'impute sur les pièces de "
                              "son seul client.",
    "reglement.solde": "elle ne doit plus rien : rien à y imputer.",
    "reglement.especes": "paiement en espèces interdit : la dette ({what}, contrat de {debt} TTC) dépasse 1 000 €, "
                         "même réglée en plusieurs fois (art. D112-3 du Code monétaire et financier). Demandez un "
                         "chèque, un virement ou une carte.",
    "reglement.client.qui": "dites de quel client il vient (--client CODE) ou quelle pièce il règle (--facture NUM).",
    "reglement.date": "{what} est émise le {day} : un règlement ne peut pas être daté d'avant.",
    "credit.vide": "ce client n'a aucun crédit.",
    "credit.rien": "aucune pièce de ce client ne doit plus rien.",
    "credit.trop": "{amount} dépasse le crédit du client ({available}).",
    "credit.plus_que_du": "{amount} dépasse ce que doivent ces pièces ({owed}) : une imputation ne dépasse jamais le "
                          "solde.",
    "remboursement.trop": "{amount} dépasse le crédit du client ({available}) : on ne rembourse que ce qu'il a payé "
                          "en trop ou ce qu'un avoir lui rend.",
    "reglement.annulation": "c'est déjà une annulation ; elle ne s'annule pas.",
    "reglement.avoir.credit": "cette ligne met en crédit le trop-payé d'une facture créditée par un avoir : elle suit"
                              " l'avoir et ne s'annule pas seule.",
    "reglement.annule": "il est déjà annulé par {id} ({where}).",
    "reglement.date.annulation": "il date du {day} : l'annulation ne peut pas être antérieure.",
    "reglement.bordereau": "ce chèque est remis en banque (bordereau {slip}) : dites s'il est revenu impayé "
                           "(--impaye) ou si c'est une erreur de saisie (--erreur).",
    "reglement.frais": "des frais bancaires ne se notent que sur un impayé (--impaye).",
    "reglement.credit_utilise": "il a laissé {amount} de crédit au client, qui a servi depuis (imputation ou "
                                "remboursement) : annulez d'abord cette opération, puis ce règlement.",
    "reglement.fait": "Règlement {id} de {amount} ({mode}) de {name}, {how} : {parts}.",
    "reglement.comme_indique": "imputé comme l'indique {indicated}",
    "reglement.selon_la_loi": "imputé selon l'art. 1342-10 du Code civil",
    "reglement.part.credit": "{amount} mis au crédit du client",
    "reglement.part.note": "{amount} sur {note}, note de pénalités de {invoice}, payée avant le principal "
                           "(art. 1343-1 C. civ.)",
    "reglement.part.perte": "{amount} sur {what}, passée en perte : recouvrement (compte 7714)",
    "reglement.part.soldee": "{amount} sur {what} (soldée)",
    "reglement.part.reste": "{amount} sur {what} (reste {rest})",
    "credit.impute": "Crédit de {name} imputé ({id}) : {parts}.",
    "credit.restant": "Crédit restant : {left}.",
    "remboursement.fait": "Remboursement {id} de {amount} ({mode}) à {name} : {reason}.",
    "reglement.annule.fait": "Règlement {id} annulé, écriture opposée {ids} ({amount}) : {reason}. {parts}.",
    "reglement.impaye.fait": "Règlement {id} revenu impayé, écriture opposée {ids} ({amount}) : {reason}. {parts}.",
    "reglement.annule.credit": "crédit du client diminué de {amount}",
    "reglement.annule.note": "{note} (note de pénalités) : {amount}",
    "reglement.annule.perte": "{what} : passée en perte, recouvrement annulé",
    "reglement.annule.reste": "{what} : reste {rest} à payer",
    "reglement.frais.notes": "Frais bancaires notés : {amount}.",
    # ------------------------------------------------------------------ deposit slips (services.slips)
    "bordereau.mode": "mode « {mode} » inconnu : cheque ou cb.",
    "bordereau.rien": "aucun {one} à remettre au {day} : tous les {many} reçus sont déjà sur un bordereau "
                      "(syc bordereau liste), ou annulés.",
    "bordereau.fait": "Bordereau {number} du {day} : {count} {what}, total {total}, à remettre à {bank}.",
    "bordereau.fait.sans_banque": "Bordereau {number} du {day} : {count} {what}, total {total}.",
    "bordereau.banque": "Bordereau {number} : la banque de remise n'est pas indiquée (--banque, ou « banque_remise » "
                        "dans Paramètres : syc parametres modifier banque_remise \"…\").",
    "bordereau.inconnu": "Voyez les bordereaux avec « syc bordereau liste ».",
    # ------------------------------------------------------------------ deposits (services.payments, services.bank)
    "acompte.pourquoi": "un paiement avant la facture est un acompte, qui appelle une facture d'acompte (art. 289 "
                        "I-1-c du CGI), pas un crédit.",
    "acompte.commande": "Établissez-la (syc facture acompte --commande {order} --pourcentage {pct}, puis syc facture "
                        "emettre)",
    "acompte.devis": "Passez le devis en commande (syc commande creer --devis {quote}), établissez la facture "
                     "d'acompte",
    "acompte.reglement.commande": "le client n'a aucune pièce à régler, mais la commande {order} est ouverte : "
                                  "{deposit}, puis enregistrez le paiement sur elle.",
    "acompte.reglement.devis": "le client n'a aucune pièce à régler, mais le devis {quote} est accepté : {deposit}, "
                               "puis enregistrez le paiement sur elle.",
    "acompte.releve": "elle paie un acompte sur {what} {number} ({amount} de la ligne, {total} attendus) : "
                      "{deposit} ; le rapprochement la proposera alors au montant exact.",
    "acompte.releve.a_faire": "Ligne {line} : acompte sur {what} {number}, pas rapprochée.",
    "acompte.releve.action": "« Encaisser l'acompte » sur la ligne (syc banque acompte {line}={number}) "
                             "établit et émet la facture d'acompte du montant de la ligne, et l'en règle.",
    "acompte.confirmer": "{action} : ligne {line} du {day}, {amount} de {name} ({client}) sur {what} {number} ?\n\n"
                         "La facture d'acompte de {amount} TTC sera établie et émise (numéro définitif : art. 289 "
                         "I-1-c du CGI, elle est émise à l'encaissement), puis réglée par cette ligne.",
    "banque.acompte.piece": "« {number} » n'est ni une commande ouverte ni un devis accepté qui attend un acompte "
                            "(voyez « syc commande liste »).",
    "banque.acompte.trop": "{amount} dépasse ce que {number} attend encore ({rest}) : une facture d'acompte ne "
                           "dépasse pas la commande.",
    # shared by the CLI and the Excel button: names no command (the CLI's --mode is in its help)
    "banque.acompte.lot": "c'est {what}, plusieurs paiements en une seule ligne, pas l'acompte d'un client : "
                          "rapprochez-la de son bordereau avec le rapprochement du relevé ; si elle ne porte "
                          "vraiment que le paiement de cet acompte, indiquez son mode (chèque ou carte).",
    "banque.acompte.lot.cli": " Sur la ligne de commande : syc banque acompte {id}=PIÈCE --mode cheque (ou cb).",
    "banque.acompte.lot.cheques": "une remise de chèques",
    "banque.acompte.lot.cartes": "une remise de cartes bancaires (le lot du terminal)",
    "banque.acompte.mode": "Mode du règlement : {mode} ({how}).",
    "banque.acompte.mode.lu": "lu sur la ligne du relevé : {what}",
    "banque.acompte.mode.inconnu": "la ligne ne dit pas comment l'argent est venu : virement retenu",
    "banque.iban.proposer": "La ligne {line} vient du compte {iban}, que la fiche du client {client} ({name}) "
                            "n'indique pas : pour qu'il reconnaisse ses prochains virements, "
                            "syc client modifier {client} --iban {compact}",
    "banque.iban.question": "La ligne {line} vient du compte {iban}.\n\nEnregistrer cet IBAN sur la fiche du "
                            "client {client} ({name}) ? Ses prochains virements et ses remboursements seront "
                            "reconnus sur les relevés.",
    "banque.acompte.fait": "Ligne {line} encaissée en acompte : {deposit}, facture d'acompte de {amount}, émise sur "
                           "la commande {order}"
                           "{quote} (art. 289 I-1-c du CGI : la facture d'acompte est émise à l'encaissement).",
    # ------------------------------------------------------------------ reconciliation (services.bank)
    "banque.deja": "elle est déjà « {status} ».",
    "banque.deja.avec": "elle est déjà « {status} » (avec {matched}).",
    "banque.piece": "{numbers} n'attend aucun paiement (pièce soldée, inconnue, ou bordereau déjà crédité).",
    "banque.sans_candidat": "aucune pièce ne lui correspond : indiquez-la, par exemple --confirmer {id}=F2026-00012.",
    "banque.ambigu": "plusieurs pièces lui correspondent à égalité : précisez, par exemple --confirmer {options}.",
    "banque.debit": "c'est un débit : il ne se rapproche que d'un remboursement fait au client (syc remboursement "
                    "creer).",
    "banque.remboursement.credit": "c'est un crédit : un remboursement se rapproche d'un débit.",
    "banque.remboursement.montant": "le remboursement {id} est de {refund}, la ligne débite {amount} : une ligne "
                                    "rapproche un seul remboursement, de son montant exact.",
    "banque.double": "{number} est déjà rapprochée de la ligne {line} dans cette même confirmation.",
    "banque.bordereau": "une ligne crédite un seul bordereau, ou un seul lot de carte.",
    "banque.clients": "les pièces indiquées sont de plusieurs clients : un virement paie les pièces d'un seul client.",
    "banque.commission": "le lot de carte {number} ({total}) ne peut pas être crédité de {amount} : {why}.",
    "banque.commission.trop": "la commission de {fee} dépasserait la tolérance de Paramètres ({rate})",
    "banque.commission.plus": "c'est plus que son total",
    "banque.montant": "le bordereau {number} totalise {total}, la ligne {amount} : un bordereau est crédité de son "
                      "total exact.",
    # ------------------------------------------------------------------ statement lines set aside (services.bank)
    "banque.ligne.qui": "Ligne de relevé {id}",
    "banque.ligne.ou": "Ligne de relevé {id} ({where})",
    "banque.ligne.inconnue": "introuvable ; voyez « syc banque liste ».",
    "banque.ignorer.etat": "elle est « {status} » : seule une ligne à rapprocher peut être ignorée (annulez d'abord "
                           "le règlement qu'elle a enregistré, s'il y a lieu).",
    "banque.reprendre.etat": "elle est « {status} », pas « Ignorée » : rien à reprendre.",
    "banque.ignoree": "Ligne de relevé {id} ({amount}) ignorée : {reason}. Elle ne sera plus proposée au "
                      "rapprochement (syc banque reprendre {id} pour l'y remettre).",
    "banque.reprise": "Ligne de relevé {id} reprise : elle est de nouveau à rapprocher (motif retiré : {reason}).",
    # ------------------------------------------------------------------ the workbook, both front ends
    "verifier.ok": "Aucune anomalie : journal d'audit intact ({lines}), {documents}.",
    "migrer.rien": "Rien à faire : le classeur est à jour.",
    "migrer.rien_base": "Rien à faire : la base est à jour.",
    "init.clotures": "Les clôtures du classeur remplacé sont conservées dans {folder}.",
    "cloture.jour": "Clôture faite pour le {day}.",
    "cloture.jours": "Clôtures faites du {first} au {last}.",
    # ------------------------------------------------------------------ the books, both front ends
    "tva.titre": "TVA collectée du {start} au {end} (régime : {regime})",
    "tva.total": "Total de la TVA collectée{line}",
    "tva.acomptes": "Acomptes de l'année, sur {base} de TVA de l'année précédente (ligne {base_line} de sa CA12) : "
                    "{instalments} ; à reporter ligne {paid_line} (acomptes payés) : {total}.",
    "tva.lignes": "Numéros de ligne : {source}.",
    "tva.acomptes.aucun": "Pas d'acompte cette année : la TVA de l'année précédente ({base}) est inférieure à "
                          "1 000 €.",
    "tva.reste": "Reste à payer avec la déclaration annuelle : {amount}.",
    "tva.excedent": "Excédent des acomptes : {amount}.",
    "tva.deductible": "TVA déductible non comprise (achats : chez l'expert-comptable).",
    "balance.titre": "Balance de l'exercice du {start} au {end} (écritures jusqu'au {day})",
    # ------------------------------------------------------------------ invoices
    "facture.suivante": "Étape suivante : syc facture emettre {ref}",
    "avoir.sur.archivee": "{what} (exercice archivé, lue dans son archive)",
    # the credit-note button (Excel), on an invoice typed or selected
    "avoir.excel.brouillon": "L'avoir est préparé en brouillon, à émettre ensuite.",
    "avoir.excel.archivee": "Cette facture est dans l'archive « {file} » d'un exercice clos : elle y est lue, "
                            "jamais modifiée. L'avoir est préparé en brouillon dans ce classeur, à émettre "
                            "ensuite ; ce que le client avait payé en plus devient son crédit.",
    "avoir.excel.inconnue": "Facture « {number} » introuvable, ni dans ce classeur ni dans ses exercices archivés "
                            "(dossier Archives) : vérifiez son numéro.",
    "avoir.excel.aucune": "Indiquez la facture à créditer : tapez son numéro, ou cliquez dans sa ligne sur la feuille "
                          "« {sheet} » avant de cliquer sur « {label} ».",
    # ------------------------------------------------------------------ reminders, both front ends
    "relances.seance": "Séance de relance du {day} : {invoices} en retard.",
    "relances.dus": "Lettres et dossiers dus : {count}",
    "relances.rien": "Aucune lettre ni aucun dossier de relance à produire au {day}.",
    "relances.produits": "{documents} ; {steps} dans « Relances ».",
    "relances.a_imprimer": "À imprimer en une fois : {file}",
    "taux.bce.note": "taux MRO en vigueur au {day} = {rate} ({source})",
    # ------------------------------------------------------------------ documents and e-mails
    "fichiers.dans": "Fichiers écrits dans : {folder}",
    "demo.documents": "Les documents du classeur remplacé ont été mis de côté dans {folder} ; "
                      "le nouveau classeur part d'un dossier Documents vide.",
    "envoi.brouillon": "Brouillon d'e-mail : {file}",
    "envoi.journal": "Les envois sont faits mais n'ont pas pu être notés dans « {sheet} » ({reason}).",
    "publipostage.pdf": "{error}. Rien n'a été produit.",
}


def msg(key: str, /, **values: object) -> str:
    """The sentence of `key` with its placeholders filled."""
    return MESSAGES[key].format(**values)
