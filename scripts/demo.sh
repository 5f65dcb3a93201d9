#!/usr/bin/env bash
# Quick start, command 1: set everything up, then run the demo on sample data in ./demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p demo
export SYC_BOOK="$PWD/demo/SYC_Gestion.xlsm"
# show each command as it could be typed again (arguments with spaces or quotes re-quoted)
show() {
  local out="$" a
  for a in "$@"; do
    case "$a" in
      *[[:space:]\'\"\&\<\>\|\;\(\)\$]*|"") out+=" '${a//\'/\'\\\'\'}'" ;;
      *) out+=" $a" ;;
    esac
  done
  if [ -t 1 ]; then printf '\n\033[1m%s\033[0m\n' "$out"; else printf '\n%s\n' "$out"; fi
}
step() { show "$@"; "$@"; }

# 1. four months of a heating business, run through the same actions as the commands below
step syc demo --sortie demo --force
step syc devis liste --au 2026-04-30
step syc facture liste --au 2026-04-30
step syc facture voir F2026-00001 --au 2026-04-30

# 2. the seed's procedure by hand, on the same workbook (dates pinned after the sample period)
step syc client ajouter --type particulier --nom "LEFÈVRE" --prenom "Anne" --adresse "8 chemin des Vignes" \
     --cp 69390 --ville "Vourles" --tel "06 11 22 33 44" --email anne.lefevre@example.fr --au 2026-05-04
CLIENT=$(syc client liste --recherche lefevre --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["clients"][0]["code"])')
step syc devis creer --client "$CLIENT" --nature remplacement --logement-plus-2-ans oui \
     --ligne CHF-FRISQ25:1 --ligne MO-H:8 --ligne DEP:1 --objet "Remplacement de la chaudière" \
     --execution "sous 3 semaines" --au 2026-05-04
DEVIS=$(syc devis liste --statut brouillon --json --au 2026-05-04 | python3 -c 'import json,sys; print(json.load(sys.stdin)["devis"][-1]["numero"])')
step syc devis envoyer "$DEVIS" --au 2026-05-04
step syc devis a-relancer --au 2026-05-11
step syc devis relancer "$DEVIS" --resultat "d'accord avec un geste commercial" --remise 10 --au 2026-05-11
REVISE=$(syc devis voir "$DEVIS" --json --au 2026-05-11 | python3 -c 'import json,sys; print(json.load(sys.stdin)["devis"]["remplace_par"])')
step syc devis envoyer "$REVISE" --au 2026-05-11
step syc devis accepter "$REVISE" --au 2026-05-12
step syc commande creer --devis "$REVISE" --au 2026-05-12
COMMANDE=$(syc devis voir "$REVISE" --json --au 2026-05-12 | python3 -c 'import json,sys; print(json.load(sys.stdin)["devis"]["commande"])')
step syc facture acompte --commande "$COMMANDE" --pourcentage 30 --emettre --au 2026-05-12
step syc commande realiser "$COMMANDE" --date 2026-05-20 --au 2026-05-20
step syc facture creer --commande "$COMMANDE" --emettre --au 2026-05-20
FACTURE=$(syc commande voir "$COMMANDE" --json --au 2026-05-20 | python3 -c 'import json,sys; print(json.load(sys.stdin)["commande"]["facture"])')
printf '\n# Refus attendu : des espèces pour un contrat de plus de 1 000 €, le classeur reste inchangé\n'
REFUS=(syc reglement saisir --facture "$FACTURE" --montant 1500 --mode especes --au 2026-05-21)
show "${REFUS[@]}"
"${REFUS[@]}" || echo "(code de sortie $?)"
step syc reglement saisir --facture "$FACTURE" --montant 1500 --mode cheque --reference "n° 1234567" --au 2026-05-21
step syc facture voir "$FACTURE" --au 2026-05-21
step syc verifier
step syc rapport --au 2026-05-21 --sortie "$(dirname "$SYC_BOOK")/rapport"

# 3. five weeks later, the Friday reminder session: who to call, then every letter due in one batch
step syc relances --au 2026-06-26
step syc relances executer --au 2026-06-26
step syc verifier
printf '\nClasseur de démonstration : %s\n' "$SYC_BOOK"
printf 'Documents produits (PDF, brouillons d’e-mail, lettres) : %s\n' "$(dirname "$SYC_BOOK")/Documents"
