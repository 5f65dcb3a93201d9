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
  printf '\n\033[1m%s\033[0m\n' "$out"
}
step() { show "$@"; "$@"; }

step syc init --demo --force
step syc parametres voir
step syc secteur liste
step syc client ajouter --type particulier --nom "LEFÈVRE" --prenom "Anne" --adresse "8 chemin des Vignes" \
     --cp 69390 --ville "Vourles" --tel "06 11 22 33 44" --email anne.lefevre@example.fr
step syc client ajouter --type professionnel --nom "Boulangerie L'Épi d'Or" --adresse "2 place du Marché" \
     --cp 38000 --ville Grenoble --siret "542 065 479 00017" --conditions "45 jours fin de mois" \
     --categorie commercant-artisan
step syc client modifier C00001 --tel "06 99 88 77 66"
step syc client liste
step syc article ajouter --code MO-URG --designation "Main-d'œuvre dépannage urgent (heure)" --unite h \
     --pu-ht "68,50" --tva 10 --famille main-oeuvre
step syc article liste
step syc client voir C00002 --json
printf '\n# Refus attendu : un SIRET faux (clé de contrôle), le classeur reste inchangé\n'
REFUS=(syc client ajouter --type professionnel --nom "Test" --adresse "1 rue" --cp 69001 --ville Lyon
       --siret 73282932000075)
show "${REFUS[@]}"
"${REFUS[@]}" || echo "(code de sortie $?)"
step syc verifier
step syc sauvegardes liste
printf '\nClasseur de démonstration : %s\n' "$SYC_BOOK"
