# ruff: noqa: E501 -- prose data: a line follows its sentence, not the ruler
"""What the counsellor writes: the fragments interactions and follow-ups are composed from.

Every fragment is a (French, English) pair with the same placeholders, so an interaction
logged in one language carries a faithful translation in the other. Placeholders: ``{a}`` and
``{b}`` (first and second party present, with an article in French), ``{A}``/``{B}`` (the same,
capitalised), ``{de_a}``/``{de_b}`` and ``{au_a}``/``{au_b}`` (French contractions: "du MINT",
"au MINT"), ``{subject}``, ``{place}``, ``{person}`` (and ``{org}``, the short name of their party), ``{km}``, ``{n}``, ``{pct}``.
"""

from __future__ import annotations

from datetime import date

# party key → French forms (le …, du …, au …) and English name.
NAMES: dict[str, tuple[str, str, str, str]] = {
    "mint": ("le MINT", "du MINT", "au MINT", "MINT"),
    "minepat": ("le MINEPAT", "du MINEPAT", "au MINEPAT", "MINEPAT"),
    "minepded": ("le MINEPDED", "du MINEPDED", "au MINEPDED", "MINEPDED"),
    "artf": ("l'ARTFP", "de l'ARTFP", "à l'ARTFP", "the regulator (ARTFP)"),
    "cfc": ("la CFC-SP", "de la CFC-SP", "à la CFC-SP", "CFC-SP"),
    "pak": ("le Port Autonome de Kribi", "du Port Autonome de Kribi", "au Port Autonome de Kribi",
            "the Port of Kribi"),
    "edea": ("la commune d'Édéa 1er", "de la commune d'Édéa 1er", "à la commune d'Édéa 1er",
             "the Edéa 1st municipality"),
    "kribi": ("la commune de Kribi 2e", "de la commune de Kribi 2e", "à la commune de Kribi 2e",
              "the Kribi 2nd municipality"),
    "valmont_hq": ("le siège de Valmont", "du siège de Valmont", "au siège de Valmont",
                   "Valmont head office"),
    "valmont_cm": ("Valmont Cameroun", "de Valmont Cameroun", "à Valmont Cameroun",
                   "Valmont Cameroon"),
    "sanaga": ("Sanaga TP", "de Sanaga TP", "à Sanaga TP", "Sanaga TP"),
    "kls": ("KLS", "de KLS", "à KLS", "KLS"),
    "dic": ("DIC", "de DIC", "à DIC", "DIC"),
    "acd": ("l'ACD", "de l'ACD", "à l'ACD", "ACD"),
    "erm": ("l'ERM", "de l'ERM", "à l'ERM", "ERM"),
    "rawabi": ("le Fonds Rawabi", "du Fonds Rawabi", "au Fonds Rawabi", "the Rawabi Fund"),
    "paib": ("la PAIB", "de la PAIB", "à la PAIB", "PAIB"),
    "fdc": ("FDC", "de FDC", "à FDC", "FDC"),
    "arcke": ("l'association des riverains", "de l'association des riverains",
              "à l'association des riverains", "the residents' association"),
    "lolabe": ("le collectif des pêcheurs de Lolabé", "du collectif des pêcheurs de Lolabé",
               "au collectif des pêcheurs de Lolabé", "the Lolabé fishers' collective"),
}  # fmt: skip

PLACES: list[tuple[str, str]] = [
    ("Yaoundé, au ministère", "Yaoundé, at the ministry"),
    ("Yaoundé, dans les locaux de la PAIB", "Yaoundé, at the PAIB office"),
    ("Douala", "Douala"),
    ("Kribi, base vie de Lolabé", "Kribi, Lolabé camp"),
    ("Édéa, à la mairie", "Edéa, at the town hall"),
    ("Kribi, à la capitainerie", "Kribi, at the harbour master's office"),
    ("visioconférence", "videoconference"),
]

# Where a party usually receives (indexes into PLACES).
VENUES: dict[str, tuple[int, ...]] = {
    "mint": (0, 0, 6),
    "minepat": (0, 6),
    "minepded": (0, 6),
    "artf": (0, 2, 6),
    "cfc": (2, 2, 6),
    "pak": (5, 3),
    "edea": (4, 4, 3),
    "kribi": (5, 3),
    "valmont_hq": (6, 0, 2),
    "valmont_cm": (3, 2, 3, 6),
    "sanaga": (4, 2, 3),
    "kls": (5, 3),
    "dic": (2, 6),
    "acd": (1, 0, 6),
    "erm": (6, 1),
    "rawabi": (6,),
    "paib": (1, 6),
    "fdc": (3, 4, 2),
    "arcke": (4, 3),
    "lolabe": (3,),
}
# (fr, en, agreements, parties most concerned): what the exchange is about.
SUBJECTS: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("le calendrier de libération des emprises entre le PK {km} et le PK {km2}",
     "the right-of-way release schedule between km {km} and km {km2}",
     ("concession",), ("valmont_cm", "mint", "arcke", "edea")),
    ("les barèmes d'indemnisation des cultures pérennes (cacaoyers, palmiers à huile)",
     "the compensation rates for perennial crops (cocoa, oil palm)",
     ("concession",), ("mint", "arcke", "paib", "valmont_cm")),
    ("le paiement des {n} ménages encore non indemnisés de la section 1",
     "payment of the {n} households of section 1 still not compensated",
     ("concession", "loan"), ("mint", "arcke", "paib", "minepat")),
    ("la part des ouvriers recrutés à Édéa et à Kribi ({pct} % ce mois-ci)",
     "the share of workers hired in Edéa and Kribi ({pct}% this month)",
     ("mou", "concession"), ("valmont_cm", "edea", "kribi", "mint")),
    ("les conditions suspensives du premier décaissement",
     "the conditions precedent to the first disbursement",
     ("loan",), ("paib", "minepat", "acd", "erm")),
    ("la grille tarifaire du fret conteneurisé et du minerai",
     "the freight tariff schedule for containers and ore",
     ("concession",), ("artf", "valmont_hq", "cfc", "mint")),
    ("l'emplacement du débarcadère de substitution de Lolabé",
     "the location of the replacement landing site at Lolabé",
     ("concession",), ("lolabe", "valmont_cm", "pak", "fdc")),
    ("la traversée de la mangrove de la Lokoundjé et le plan de compensation biodiversité",
     "the crossing of the Lokoundjé mangrove and the biodiversity offset plan",
     ("concession",), ("minepded", "valmont_cm", "fdc", "erm")),
    ("le dossier d'appel d'offres du lot signalisation",
     "the tender documents for the signalling lot",
     ("loan", "concession"), ("acd", "minepat", "valmont_hq", "artf")),
    ("la contrepartie nationale inscrite en loi de finances",
     "the national counterpart funding in the budget law",
     ("loan", "concession"), ("minepat", "paib", "mint", "acd")),
    ("la qualité de l'eau de la Lokoundjé en aval des zones d'emprunt",
     "water quality of the Lokoundjé river downstream of the borrow pits",
     ("concession",), ("fdc", "valmont_cm", "minepded", "lolabe")),
    ("les passages à niveau sur la route Édéa–Kribi",
     "the level crossings on the Edéa–Kribi road",
     ("concession",), ("edea", "kribi", "valmont_cm", "artf")),
    ("le plan de circulation des engins près des écoles de Lolabé",
     "the heavy-vehicle traffic plan near the Lolabé schools",
     ("concession",), ("kribi", "valmont_cm", "arcke", "lolabe")),
    ("les rapports financiers intermédiaires du trimestre",
     "the quarter's interim financial reports",
     ("loan",), ("mint", "paib", "erm", "acd")),
    ("la sécurité des travailleurs après l'incident du PK {km}",
     "worker safety after the incident at km {km}",
     ("concession", "mou"), ("valmont_cm", "sanaga", "edea", "erm")),
    ("le transfert de compétences vers les ingénieurs de la CFC-SP",
     "skills transfer to CFC-SP engineers",
     ("concession",), ("cfc", "valmont_cm", "mint")),
    ("les retards de paiement des décomptes n° {n2} et suivants",
     "the late payment of works invoices no. {n2} onwards",
     ("concession",), ("valmont_hq", "mint", "minepat")),
    ("l'avenant sur le partage du risque trafic",
     "the amendment on traffic risk sharing",
     ("concession",), ("mint", "valmont_hq", "artf", "paib")),
    ("le raccordement au terminal à conteneurs et les fenêtres de manœuvre",
     "the connection to the container terminal and the shunting windows",
     ("concession",), ("pak", "valmont_cm", "cfc")),
    ("le registre des fournisseurs locaux et les {n} entreprises pré-qualifiées",
     "the local supplier registry and the {n} pre-qualified firms",
     ("mou",), ("valmont_cm", "kls", "sanaga", "dic")),
    ("les délais de paiement des sous-traitants locaux",
     "payment terms for local subcontractors",
     ("mou",), ("sanaga", "kls", "valmont_cm", "dic")),
    ("le programme du centre de formation ferroviaire d'Édéa",
     "the curriculum of the Edéa rail training centre",
     ("mou",), ("valmont_cm", "edea", "mint", "cfc")),
    ("les séances d'information sur les recrutements dans les villages",
     "the hiring information sessions in the villages",
     ("mou",), ("valmont_cm", "arcke", "lolabe", "kribi")),
    ("le suivi des plaintes des riverains ({n} dossiers ouverts)",
     "the follow-up of residents' grievances ({n} open cases)",
     ("concession", "mou"), ("valmont_cm", "fdc", "arcke", "lolabe")),
    ("la publication des données de suivi environnemental",
     "the publication of environmental monitoring data",
     ("concession",), ("fdc", "valmont_cm", "paib", "minepded")),
    ("le plan de passation des marchés de l'unité de gestion du projet",
     "the procurement plan of the project implementation unit",
     ("loan",), ("mint", "paib", "minepat")),
    ("le cofinancement du Fonds Rawabi et son calendrier de tirage",
     "the Rawabi Fund co-financing and its drawdown schedule",
     ("loan",), ("rawabi", "minepat", "paib")),
    ("la part des femmes dans les effectifs locaux",
     "the share of women in the local workforce",
     ("mou",), ("valmont_cm", "edea", "fdc", "kribi")),
    ("la date de mise en service commerciale",
     "the commercial operation date",
     ("concession",), ("mint", "valmont_hq", "cfc", "paib")),
    ("l'approvisionnement en ballast depuis les carrières de Bipindi",
     "ballast supply from the Bipindi quarries",
     ("concession", "mou"), ("valmont_cm", "sanaga", "kribi", "minepded")),
]  # fmt: skip

# Openings by interaction kind.
OPENINGS: dict[str, list[tuple[str, str]]] = {
    "meeting": [
        ("Réunion ({place}) avec {parties}.", "Meeting ({place}) with {parties}."),
        ("Séance de travail ({place}) : {parties} autour de la table.",
         "Working session ({place}): {parties} around the table."),
        ("Comité technique ({place}) réunissant {parties}.",
         "Technical committee ({place}) with {parties}."),
        ("Réunion ({place}) : {parties} font le point.", "Meeting ({place}): {parties} take stock."),
    ],
    "call": [
        ("Appel de {person} ({org}).", "Call from {person} ({org})."),
        ("Échange téléphonique avec {person} ({org}).", "Phone call with {person} ({org})."),
        ("Point téléphonique entre {a} et {b}.", "Phone catch-up between {a} and {b}."),
    ],
    "letter": [
        ("Courrier {de_a} adressé {au_b}.", "Letter from {a} to {b}."),
        ("Lettre officielle {de_a}, copie {au_b}.", "Formal letter from {a}, copied to {b}."),
        ("Réponse écrite {de_a} au courrier {de_b}.", "Written reply from {a} to {b}'s letter."),
    ],
    "site_visit": [
        ("Visite de chantier au PK {km} avec {parties}.", "Site visit at km {km} with {parties}."),
        ("Visite de terrain à Lolabé avec {parties}.", "Field visit to Lolabé with {parties}."),
        ("Tournée des villages riverains (PK {km} à PK {km2}) avec {parties}.",
         "Tour of the riverside villages (km {km} to km {km2}) with {parties}."),
    ],
    "workshop": [
        ("Atelier ({place}) réunissant {parties}.", "Workshop ({place}) with {parties}."),
        ("Atelier conjoint de planification ({place}) : {parties}.",
         "Joint planning workshop ({place}): {parties}."),
        ("Atelier de restitution ({place}) devant {parties}.",
         "Feedback workshop ({place}) for {parties}."),
    ],
}  # fmt: skip

# Bodies by tone class.
BODIES: dict[str, list[tuple[str, str]]] = {
    "tense": [
        ("{A} conteste {subject} et refuse de s'engager sans note écrite {de_b}.",
         "{A} disputes {subject} and will not commit without a written note from {b}."),
        ("Échanges difficiles sur {subject} : {a} estime que {b} découvre les dossiers en séance.",
         "Difficult exchange on {subject}: {a} feels {b} is discovering the files in the room."),
        ("{A} rappelle que trois relances sur {subject} sont restées sans réponse.",
         "{A} points out that three reminders on {subject} went unanswered."),
        ("Aucun accord sur {subject} ; chacun campe sur sa position et renvoie au comité de pilotage.",
         "No agreement on {subject}; each side holds its position and refers it to the steering committee."),
        ("{A} met en cause la bonne foi {de_b} sur {subject} ; le ton monte.",
         "{A} questions {b}'s good faith on {subject}; voices are raised."),
        ("Sur {subject}, les chiffres {de_a} et {de_b} ne concordent pas et personne ne veut céder.",
         "On {subject}, the figures of {a} and {b} do not match and nobody will give way."),
        ("{A} découvre en séance le retard sur {subject} et exige un plan de rattrapage sous huit jours.",
         "{A} learns in the meeting of the delay on {subject} and demands a recovery plan within a week."),
        ("{A} menace de suspendre sa participation tant qu'aucune solution n'est trouvée sur {subject}.",
         "{A} threatens to suspend its participation until a solution is found on {subject}."),
    ],
    "neutral": [
        ("Point d'étape sur {subject} ; les positions {de_a} et {de_b} divergent encore mais l'écart se réduit.",
         "Progress review on {subject}; {a} and {b} still differ but the gap is narrowing."),
        ("Revue technique sur {subject} : pas de blocage, quelques compléments attendus {de_a}.",
         "Technical review of {subject}: no blocking point, a few additions expected from {a}."),
        ("{A} fait le point sur {subject} ; questions précises {de_b}, réponses partielles.",
         "{A} presents progress on {subject}; pointed questions from {b}, partial answers."),
        ("Échange factuel sur {subject}. {A} demande du temps pour consulter sa hiérarchie.",
         "Factual exchange on {subject}. {A} asks for time to consult its management."),
        ("{A} et {b} passent en revue {subject} ligne par ligne ; trois points restent ouverts.",
         "{A} and {b} go through {subject} line by line; three points remain open."),
        ("Clarification sur {subject} : {a} reconnaît un malentendu sur les délais.",
         "Clarification on {subject}: {a} acknowledges a misunderstanding about deadlines."),
    ],
    "warm": [
        ("{A} salue la réactivité {de_b} sur {subject} ; la solution proposée est acceptée en séance.",
         "{A} praises {b}'s responsiveness on {subject}; the proposed solution is accepted on the spot."),
        ("Bonne dynamique sur {subject} : les équipes {de_a} et {de_b} ont préparé une note commune.",
         "Good momentum on {subject}: the teams of {a} and {b} prepared a joint note."),
        ("Pour la première fois, {a} présente {subject} avec les données {de_b}, sans contestation.",
         "For the first time {a} presents {subject} using {b}'s data, without dispute."),
        ("{A} annonce un accord définitif sur {subject} ; {b} remercie publiquement les équipes de terrain.",
         "{A} announces a final agreement on {subject}; {b} publicly thanks the field teams."),
        ("Accord trouvé sur {subject} ; {a} propose d'en faire un modèle pour la section 2.",
         "Agreement reached on {subject}; {a} suggests making it the model for section 2."),
        ("{A} et {b} arrivent avec une position commune sur {subject} et la défendent ensemble.",
         "{A} and {b} arrive with a joint position on {subject} and defend it together."),
        ("Échange franc et constructif sur {subject} ; {a} anticipe les questions {de_b}.",
         "Frank and constructive exchange on {subject}; {a} anticipates {b}'s questions."),
    ],
}  # fmt: skip

CLOSINGS: dict[str, list[tuple[str, str]]] = {
    "tense": [
        ("Le conseiller propose une réunion restreinte pour désamorcer.",
         "The counsellor proposes a smaller meeting to defuse the situation."),
        ("Sujet à remonter au comité de pilotage, faute d'accord.",
         "To be escalated to the steering committee for lack of agreement."),
        ("Compte rendu à faire valider par écrit par les deux parties, vu la tension.",
         "Minutes to be validated in writing by both sides, given the tension."),
        ("Risque de blocage signalé dans le registre des risques.",
         "Risk of deadlock flagged in the risk register."),
        ("",""),
    ],
    "neutral": [
        ("Prochain point dans deux semaines.", "Next check-in in two weeks."),
        ("Les compléments seront examinés au prochain comité technique.",
         "The additions will be reviewed at the next technical committee."),
        ("Compte rendu diffusé le lendemain.", "Minutes circulated the next day."),
        ("", ""),
    ],
    "warm": [
        ("Climat nettement plus serein qu'il y a un an.",
         "A much calmer climate than a year ago."),
        ("Les deux parties demandent que la méthode soit reprise sur les autres dossiers.",
         "Both sides ask for the same method on the other files."),
        ("Compte rendu commun rédigé en séance.", "Joint minutes drafted in the meeting."),
        ("Le conseiller note une vraie appropriation locale du sujet.",
         "The counsellor notes genuine local ownership of the subject."),
        ("", ""),
    ],
}  # fmt: skip

STATE = ("mint", "minepat", "minepded", "artf", "cfc", "pak")
FOREIGN = ("valmont_hq", "valmont_cm", "acd", "erm", "rawabi", "paib")
HOST = (*STATE, "edea", "kribi", "arcke", "lolabe", "fdc", "sanaga", "kls", "dic")
MONEY = ("paib", "acd", "erm", "rawabi", "valmont_hq")

# Candid notes for the counsellor team only (confidentiality "internal"): (fr, en, who {a}
# may be, who {b} may be, year two only). The first party present that fits becomes {a}.
INTERNAL_NOTES: list[tuple[str, str, tuple[str, ...], tuple[str, ...], bool]] = [
    ("Note interne : au MINT, le secrétariat général bloque toute décision sur {subject} tant que la "
     "question de la contrepartie n'est pas tranchée. Le ministre n'a pas été briefé. Ne pas "
     "forcer en comité.",
     "Internal: at MINT the general secretariat is blocking any decision on {subject} until the "
     "counterpart question is settled. The minister has not been briefed. Do not push in committee.",
     ("mint",), (), False),
    ("Note interne : {person} nous dit en aparté que {a} n'a pas de mandat sur {subject} avant "
     "l'arbitrage de la Primature.",
     "Internal: {person} tells us privately that {a} has no mandate on {subject} until the "
     "Prime Minister's office decides.", STATE, (), False),
    ("Note interne : les équipes {de_a} jugent {b} « arrogant » ; le problème n'est pas tant "
     "{subject} que la manière dont les demandes sont formulées (courriels en anglais, délais "
     "de 48 h).",
     "Internal: {a}'s teams find {b} \"arrogant\"; the issue is less {subject} than how requests "
     "are made (e-mails in English, 48-hour deadlines).", HOST, FOREIGN, False),
    ("Note interne : évaluation franche — {a} tient ses engagements techniques mais sous-estime "
     "systématiquement les délais administratifs camerounais. À intégrer dans nos prévisions.",
     "Internal: candid assessment — {a} keeps its technical promises but systematically "
     "underestimates Cameroonian administrative lead times. To factor into our forecasts.",
     ("valmont_cm", "valmont_hq"), (), False),
    ("Note interne : {person} prépare son départ à la retraite ; son successeur pressenti est "
     "plus ouvert sur {subject}. Garder le contact avec les deux.",
     "Internal: {person} is preparing to retire; the likely successor is more open on "
     "{subject}. Keep in touch with both.", STATE, (), False),
    ("Note interne : {a} utilise {subject} comme monnaie d'échange pour obtenir des emplois "
     "pour ses administrés. Demande légitime, méthode risquée.",
     "Internal: {a} is using {subject} as a bargaining chip to get jobs for its residents. "
     "Legitimate request, risky method.", ("edea", "kribi"), (), False),
    ("Note interne : {a} attend surtout d'être consulté avant les autres sur {subject} ; "
     "l'associer en amont coûtera moins cher que de gérer ses protestations.",
     "Internal: what {a} wants most is to be consulted first on {subject}; involving it early "
     "will cost less than handling its protests.", ("arcke", "lolabe", "fdc"), (), False),
    ("Note interne : la confiance revient. {A} nous a transmis spontanément ses chiffres sur "
     "{subject}, ce qui était impensable au premier semestre.",
     "Internal: trust is coming back. {A} sent us its figures on {subject} unprompted, which "
     "was unthinkable in the first half-year.", (), (), True),
    ("Note interne : ne pas citer {b} dans le compte rendu partagé sur {subject} ; la "
     "relation avec {a} reste fragile.",
     "Internal: do not name {b} in the shared minutes on {subject}; the relationship with {a} "
     "is still fragile.", (), (), False),
]  # fmt: skip

RESTRICTED_NOTES: list[tuple[str, str, tuple[str, ...], tuple[str, ...], bool]] = [
    ("Restreint : {person} signale des soupçons de surfacturation sur {subject}. À vérifier "
     "discrètement avant toute mention au comité.",
     "Restricted: {person} reports suspected over-invoicing on {subject}. To be checked "
     "discreetly before any mention in committee.", ("paib", "acd", "erm", "fdc", "mint"), (), False),
    ("Restreint : remaniement ministériel attendu ; {person} pourrait quitter {a}. Ne pas "
     "diffuser.",
     "Restricted: a cabinet reshuffle is expected; {person} may leave {a}. Do not circulate.",
     ("mint", "minepat", "minepded"), (), False),
    ("Restreint : {a} envisage de se retirer si rien ne bouge sur {subject} d'ici la fin du "
     "trimestre.",
     "Restricted: {a} is considering withdrawing if nothing moves on {subject} by the end of "
     "the quarter.", MONEY, (), False),
]  # fmt: skip

# Letters and calls do not read like meetings: their own bodies and closings by tone class.
LETTER_BODIES: dict[str, list[tuple[str, str]]] = {
    "tense": [
        ("{A} proteste formellement contre les retards sur {subject} et réserve ses droits.",
         "{A} formally protests the delays on {subject} and reserves its rights."),
        ("{A} met {b} en demeure de produire sous quinze jours les pièces sur {subject}.",
         "{A} gives {b} formal notice to produce the documents on {subject} within fifteen days."),
        ("{A} rejette les conclusions {de_b} sur {subject}, jugées non étayées.",
         "{A} rejects {b}'s conclusions on {subject} as unsupported."),
    ],
    "neutral": [
        ("{A} transmet sa position écrite sur {subject} et propose une réunion technique.",
         "{A} sends its written position on {subject} and proposes a technical meeting."),
        ("{A} accuse réception du dossier sur {subject} et annonce une réponse détaillée.",
         "{A} acknowledges receipt of the file on {subject} and promises a detailed answer."),
        ("{A} demande des précisions écrites {au_b} sur {subject}.",
         "{A} asks {b} for written clarification on {subject}."),
    ],
    "warm": [
        ("{A} confirme par écrit l'accord trouvé avec {b} sur {subject}.",
         "{A} confirms in writing the agreement reached with {b} on {subject}."),
        ("{A} remercie {b} pour la qualité du dossier sur {subject} et donne son accord.",
         "{A} thanks {b} for the quality of the file on {subject} and gives its approval."),
        ("{A} transmet {au_b} les documents attendus sur {subject}, en avance sur le calendrier.",
         "{A} sends {b} the expected documents on {subject}, ahead of schedule."),
    ],
}  # fmt: skip
LETTER_CLOSINGS: dict[str, list[tuple[str, str]]] = {
    "tense": [("Copie au comité de pilotage.", "Copied to the steering committee."), ("", "")],
    "neutral": [("Réponse attendue sous quinze jours.", "Reply expected within a fortnight."),
                ("", "")],
    "warm": [("Copie aux prêteurs pour information.", "Copied to the lenders for information."),
             ("", "")],
}  # fmt: skip
CALL_CLOSINGS: dict[str, list[tuple[str, str]]] = {
    "tense": [("Le conseiller rappellera demain pour apaiser.",
               "The counsellor will call back tomorrow to calm things down."), ("", "")],
    "neutral": [("Confirmation écrite à suivre.", "Written confirmation to follow."), ("", "")],
    "warm": [("Confirmation écrite envoyée dans la foulée.",
              "Written confirmation sent right after."), ("", "")],
}  # fmt: skip

# Follow-up actions: (fr, en, category, who may owe it, days to deliver).
FOLLOW_UPS: list[tuple[str, str, str, tuple[str, ...], int]] = [
    ("Transmettre le compte rendu signé de la réunion", "Send the signed minutes of the meeting",
     "governance", ("mint", "valmont_cm", "paib", "edea", "minepat"), 10),
    ("Communiquer le calendrier révisé des indemnisations",
     "Share the revised compensation schedule", "financial", ("mint",), 21),
    ("Fournir les justificatifs des recrutements locaux du mois",
     "Provide evidence of the month's local hires", "local_content", ("valmont_cm",), 15),
    ("Répondre par écrit aux observations des prêteurs",
     "Answer the lenders' comments in writing", "reporting", ("mint", "minepat", "valmont_cm"), 20),
    ("Transmettre la liste actualisée des personnes affectées",
     "Send the updated list of affected persons", "technical", ("mint", "edea", "kribi"), 30),
    ("Proposer une variante de tracé au droit du village",
     "Propose an alternative alignment at the village", "technical", ("valmont_cm",), 25),
    ("Organiser une réunion publique d'information au village",
     "Hold a public information meeting in the village", "local_content",
     ("valmont_cm", "edea", "kribi"), 20),
    ("Transmettre la note de calcul de la grille tarifaire",
     "Send the calculation note behind the tariff schedule", "governance",
     ("artf", "valmont_hq"), 30),
    ("Confirmer par écrit le montant de la contrepartie disponible",
     "Confirm in writing the counterpart amount available", "financial", ("minepat",), 20),
    ("Partager les résultats des analyses d'eau", "Share the water test results", "reporting",
     ("valmont_cm", "fdc"), 14),
    ("Mettre à jour le plan de gestion de la circulation des engins",
     "Update the heavy-vehicle traffic management plan", "technical", ("valmont_cm",), 15),
    ("Envoyer les termes de référence de l'audit", "Send the terms of reference of the audit",
     "reporting", ("paib", "erm", "acd"), 21),
    ("Désigner un interlocuteur unique pour le dossier", "Name a single point of contact for the file",
     "governance", ("mint", "cfc", "pak", "edea", "kribi", "minepded"), 10),
    ("Préqualifier les entreprises locales proposées", "Pre-qualify the proposed local firms",
     "local_content", ("valmont_cm",), 30),
    ("Transmettre les attestations de formation des stagiaires",
     "Send the trainees' training certificates", "local_content", ("valmont_cm", "cfc"), 20),
    ("Régler la facture en souffrance du sous-traitant", "Settle the subcontractor's overdue invoice",
     "financial", ("valmont_cm", "mint"), 15),
    ("Préparer la note de non-objection", "Prepare the no-objection note", "regulatory",
     ("paib", "acd"), 20),
    ("Fournir le plan de rattrapage détaillé", "Provide the detailed recovery plan", "technical",
     ("valmont_cm", "valmont_hq"), 10),
    ("Publier l'avis de recrutement en français et en langue locale",
     "Publish the job notice in French and in the local language", "local_content",
     ("valmont_cm", "edea", "kribi"), 10),
    ("Vérifier sur le terrain les plaintes signalées", "Check the reported grievances on site",
     "governance", ("valmont_cm", "fdc"), 12),
    ("Transmettre le projet d'arrêté pour avis", "Send the draft order for comments", "regulatory",
     ("mint", "minepded", "artf"), 25),
    ("Fournir le relevé des décaissements du trimestre", "Provide the quarter's disbursement statement",
     "reporting", ("paib", "minepat"), 15),
    ("Organiser la visite conjointe du chantier", "Organise the joint site visit", "governance",
     ("valmont_cm", "mint"), 20),
    ("Envoyer le projet d'avenant annoté", "Send the annotated draft amendment", "governance",
     ("valmont_hq", "mint"), 20),
]  # fmt: skip

# The story's turning points, written by hand: (date, agreement, kind, parties, tone, language,
# confidentiality, French text, English text).
KEY_EVENTS: list[tuple[date, str, str, tuple[str, ...], int, str, str, str, str]] = [
    (date(2024, 11, 14), "concession", "meeting", ("mint", "valmont_hq", "minepat", "paib"), 1,
     "fr", "shared",
     "Cérémonie de signature à Yaoundé. Discours volontaristes ; le ministre annonce le premier "
     "train pour fin 2026. Valmont parle plutôt de mi-2027 en privé.",
     "Signing ceremony in Yaoundé. Upbeat speeches; the minister announces the first train for "
     "late 2026. Valmont privately talks about mid-2027."),
    (date(2024, 12, 3), "concession", "workshop",
     ("mint", "valmont_cm", "cfc", "artf", "paib", "edea", "kribi"), 0, "fr", "shared",
     "Atelier de lancement à Kribi. Chaque partie présente ses attentes : elles ne se recoupent "
     "ni sur les délais ni sur l'emploi local. Le conseiller propose de les consigner sujet par sujet.",
     "Kick-off workshop in Kribi. Each party presents its expectations: they match neither on "
     "timing nor on local hiring. The counsellor proposes to record them topic by topic."),
    (date(2025, 1, 28), "concession", "letter", ("paib", "mint"), -1, "en", "shared",
     "PAIB letter to MINT: no disbursement can be considered before the ESIA is submitted and the "
     "resettlement action plan is finalised to the Bank's standards. Tone is formal and firm.",
     "Lettre de la PAIB au MINT : aucun décaissement n'est envisageable avant le dépôt de l'EIES et "
     "la finalisation du PAR selon les normes de la Banque. Ton formel et ferme."),
    (date(2025, 2, 19), "concession", "meeting", ("mint", "valmont_hq", "valmont_cm", "minepat"), -2,
     "fr", "shared",
     "Premier comité de pilotage, installé avec un mois de retard. Valmont reproche à l'État la "
     "lenteur des expropriations ; le MINT reproche à Valmont de « découvrir le Cameroun ». "
     "Séance levée sans relevé de décisions.",
     "First steering committee, set up a month late. Valmont blames the State for slow "
     "expropriations; MINT accuses Valmont of \"discovering Cameroon\". Meeting closed without "
     "a record of decisions."),
    (date(2025, 3, 12), "concession", "site_visit", ("valmont_cm", "lolabe", "fdc", "kribi"), -2,
     "fr", "shared",
     "Visite à Lolabé : les pêcheurs bloquent l'accès à la plage où doit passer la voie. Aucun "
     "débarcadère de remplacement n'a été présenté. FDC filme l'échange.",
     "Visit to Lolabé: the fishers block access to the beach where the track is to run. No "
     "replacement landing site has been presented. FDC films the exchange."),
    (date(2025, 4, 9), "loan", "call", ("paib", "minepat"), -1, "en", "internal",
     "Internal: PAIB task team leader says off the record that the Board may downgrade the project "
     "to \"problem project\" if effectiveness slips past June. MINEPAT has not yet realised it.",
     "Note interne : le chef de projet de la PAIB indique officieusement que le Conseil pourrait "
     "classer le projet « à problème » si l'entrée en vigueur glisse après juin. Le MINEPAT ne "
     "l'a pas encore mesuré."),
    (date(2025, 5, 21), "concession", "letter", ("valmont_hq", "mint", "paib"), -2, "fr", "shared",
     "Courrier du siège de Valmont : notification d'un événement retardant (emprises non "
     "libérées) et réserve de réclamation. Le MINT répond qu'il s'agit d'une « manœuvre ».",
     "Letter from Valmont head office: notice of a delay event (right of way not released) and "
     "reservation of claims. MINT replies that it is \"a manoeuvre\"."),
    (date(2025, 6, 12), "loan", "meeting", ("paib", "minepat", "mint", "acd", "erm", "rawabi"), 0,
     "en", "shared",
     "Loan declared effective, six weeks late. Lenders insist on a monthly fiduciary dashboard; "
     "MINEPAT wants quarterly. Agreement to revisit after the first disbursement.",
     "Entrée en vigueur du prêt avec six semaines de retard. Les prêteurs veulent un tableau de bord "
     "fiduciaire mensuel ; le MINEPAT souhaite un rythme trimestriel. Sujet à revoir après le "
     "premier décaissement."),
    (date(2025, 7, 17), "concession", "meeting", ("arcke", "mint", "valmont_cm", "edea"), -2, "fr",
     "shared",
     "Réunion de crise à la mairie d'Édéa : 380 ménages attendent leurs indemnités. L'ARCKE "
     "annonce un sit-in sur le chantier. Le MINT invoque le circuit de la dépense.",
     "Crisis meeting at Edéa town hall: 380 households are waiting for compensation. ARCKE "
     "announces a sit-in on the site. MINT points to the public spending circuit."),
    (date(2025, 9, 4), "concession", "workshop", ("mint", "valmont_cm", "paib", "arcke", "fdc"), -1,
     "fr", "shared",
     "Atelier « vérité des chiffres » : pour la première fois, les listes de ménages du MINT, de "
     "Valmont et de l'ARCKE sont comparées ligne par ligne. 112 écarts identifiés. Tension, "
     "mais méthode acceptée.",
     "\"Facts on the table\" workshop: for the first time the household lists of MINT, Valmont "
     "and ARCKE are compared line by line. 112 discrepancies found. Tense, but the method is "
     "accepted."),
    (date(2025, 10, 22), "concession", "call", ("mint", "valmont_cm"), 0, "fr", "internal",
     "Note interne : période électorale, le ministère ne signe plus rien. Paul Mbarga nous "
     "demande de ne pas relancer par écrit avant le 27 octobre.",
     "Internal: election period, the ministry signs nothing. Paul Mbarga asks us not to send "
     "written reminders before 27 October."),
    (date(2025, 11, 6), "concession", "workshop",
     ("mint", "valmont_hq", "valmont_cm", "paib", "erm", "acd", "arcke", "edea", "kribi"), 0, "fr",
     "shared",
     "Retraite de Kribi (deux jours) : bilan sans fard de la première année. Chaque partie "
     "reconnaît une part des retards. Décisions : comité de pilotage mensuel, tableau partagé "
     "des engagements, paiement des indemnités par mobile money.",
     "Kribi retreat (two days): an unvarnished review of the first year. Each party owns part of "
     "the delays. Decisions: monthly steering committee, shared commitment tracker, compensation "
     "paid through mobile money."),
    (date(2025, 11, 28), "concession", "site_visit", ("mint", "arcke", "valmont_cm"), 1, "fr",
     "shared",
     "Paiement des indemnités de la section 1 constaté sur place : 1 046 ménages payés. L'ARCKE "
     "lève le préavis de sit-in.",
     "Section 1 compensation payment checked on site: 1,046 households paid. ARCKE lifts its "
     "sit-in notice."),
    (date(2025, 12, 15), "concession", "letter", ("mint", "valmont_cm", "paib"), 1, "fr", "shared",
     "Procès-verbal de remise des emprises de la section 1 signé par le MINT et Valmont Cameroun.",
     "Handover report for the section 1 right of way signed by MINT and Valmont Cameroon."),
    (date(2026, 1, 12), "concession", "site_visit", ("mint", "valmont_cm", "kribi", "cfc"), 2, "fr",
     "shared",
     "Démarrage officiel des travaux de la section 1 à Lolabé. Les pêcheurs participent à la "
     "cérémonie ; 62 % des ouvriers présents viennent des communes riveraines.",
     "Official start of section 1 works at Lolabé. The fishers attend the ceremony; 62% of the "
     "workers present come from the riverside municipalities."),
    (date(2026, 3, 25), "concession", "site_visit", ("lolabe", "valmont_cm", "pak", "fdc"), 2, "fr",
     "shared",
     "Inauguration du débarcadère de substitution de Lolabé, une semaine avant l'échéance. FDC "
     "salue un chantier « fait avec les pêcheurs et non pour eux ».",
     "Opening of the Lolabé replacement landing site, a week ahead of schedule. FDC praises work "
     "\"done with the fishers, not for them\"."),
    (date(2026, 3, 31), "concession", "letter", ("artf", "valmont_hq", "mint", "cfc"), 1, "fr",
     "shared",
     "Publication par l'ARTFP de la grille tarifaire de référence, issue du groupe de travail "
     "conjoint. Valmont et la CFC-SP en prennent acte sans réserve.",
     "ARTFP publishes the reference tariff schedule produced by the joint working group. Valmont "
     "and CFC-SP acknowledge it without reservation."),
    (date(2026, 6, 15), "mou", "workshop", ("valmont_cm", "mint", "edea", "kribi", "arcke"), 2, "fr",
     "shared",
     "Ouverture du centre de formation ferroviaire d'Édéa : première promotion de 48 stagiaires, "
     "dont 14 femmes. Le maire parle d'un projet « devenu le nôtre ».",
     "Opening of the Edéa rail training centre: first class of 48 trainees, 14 of them women. The "
     "mayor speaks of a project \"that has become ours\"."),
    (date(2026, 9, 18), "concession", "site_visit", ("mint", "valmont_cm", "paib", "erm", "cfc"), 2,
     "fr", "shared",
     "Dernier rail posé sur la section 1, douze jours avant l'échéance. Les prêteurs notent que le "
     "pilotage conjoint a rattrapé l'essentiel du retard de la première année.",
     "Last rail laid on section 1, twelve days ahead of the due date. The lenders note that joint "
     "management has made up most of the first year's delay."),
    (date(2026, 10, 27), "loan", "meeting", ("paib", "minepat", "mint", "acd", "erm", "rawabi"), 1,
     "en", "shared",
     "Mid-term review closed. Implementation progress upgraded to \"moderately satisfactory\". "
     "Open points: section 2 right of way and the traffic risk amendment.",
     "Revue à mi-parcours close. La note d'avancement passe à « moyennement satisfaisant ». Points "
     "ouverts : emprises de la section 2 et avenant sur le risque trafic."),
    (date(2026, 11, 17), "concession", "meeting", ("mint", "valmont_cm", "artf", "cfc"), 1, "fr",
     "shared",
     "Préparation du premier train d'essai : l'homologation de la signalisation reste le chemin "
     "critique. L'ARTFP accepte une inspection anticipée le 24 novembre.",
     "Preparing the first test train: signalling certification remains the critical path. ARTFP "
     "agrees to an early inspection on 24 November."),
]  # fmt: skip

# Evidence of delivery by category.
EVIDENCE: dict[str, list[str]] = {
    "regulatory": [
        "Arrêté n° {n}/{y} transmis par bordereau",
        "Certificat délivré le {d}, copie au dossier",
        "Avis favorable notifié par lettre n° {n}/{y}",
    ],
    "financial": [
        "Avis de crédit bancaire du {d}",
        "Ordre de paiement n° {n}/{y} exécuté",
        "Relevé du compte désigné au {d}",
    ],
    "technical": [
        "Procès-verbal de réception contradictoire du {d}",
        "Rapport de contrôle du maître d'œuvre n° {n}",
        "Plans visés « bon pour exécution » le {d}",
    ],
    "local_content": [
        "Registre du personnel au {d}, vérifié par la commune",
        "Rapport de l'inspection du travail n° {n}/{y}",
        "Liste d'émargement et photos transmises le {d}",
    ],
    "reporting": [
        "Rapport transmis par courriel le {d} (accusé de réception)",
        "Rapport déposé sur la plateforme des prêteurs le {d}",
    ],
    "governance": [
        "Décision n° {n}/{y} signée",
        "Compte rendu signé par les parties le {d}",
        "Lettre n° {n}/{y} du {d}",
    ],
}
