"""Name pools for the demonstration centre.

The residents of Les Canourgues come from many places: families from Provence and the
rest of France, the Maghreb, the Comoros, West Africa, Portugal, Spain, Italy, Turkey,
Vietnam, Armenia, Madagascar, the Middle East, and Roma, Gitan and Manouche families.
The pools below mix those traditions with their usual spellings in France: accents,
letters beyond Latin-1 (ı, ş, ğ, ă, ț, đ, œ), hyphens, apostrophes and particles.

Names are paired within an origin (first names by gender, last names); the generator
sometimes mixes origins, as families do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    """One naming tradition: how often it is drawn, and its names."""

    key: str
    weight: float
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]
    #: A language a resident of this origin may ask for printed documents in.
    language: str = "fr"


ORIGINS: tuple[Origin, ...] = (
    Origin(
        "french",
        30.0,
        female=(
            "Marie-Hélène", "Monique", "Josiane", "Françoise", "Ginette", "Danielle",
            "Nicole", "Christiane", "Sylvie", "Nathalie", "Isabelle", "Céline", "Émilie",
            "Chloé", "Léa", "Manon", "Brigitte", "Odette", "Geneviève", "Marie-Thérèse",
            "Anne-Sophie", "Noëlle", "Gaëlle", "Hélène", "Agnès", "Mireille", "Régine",
            "Jacqueline", "Paulette", "Yvette", "Mauricette", "Éliane", "Maryse",
            "Béatrice", "Laëtitia", "Aurélie", "Clémence", "Joséphine",
        ),
        male=(
            "Jean-Pierre", "Jean-Claude", "Michel", "Gérard", "Bernard", "André", "René",
            "Jacques", "Christian", "Patrick", "Thierry", "Frédéric", "Sébastien", "Kévin",
            "Théo", "Lucas", "Noël", "Joël", "Hervé", "Loïc", "Raphaël", "Jérôme",
            "François", "Aimé", "Jean-François", "Marcel", "Roger", "Guy", "Didier",
            "Pascal", "Jean-Marc", "Gilbert", "Maxime", "Clément",
        ),
        last=(
            "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
            "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Roux",
            "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau",
            "Mercier", "Blanc", "Guérin", "Boyer", "Chevalier", "Faure", "Barbier",
            "Arnaud", "Reboul", "Jourdan", "Meffre", "Aubert", "Reynaud", "Chabert",
            "Maurel", "Bérenger", "Pélissier", "Audibert", "Sauvaire", "Imbert", "Gras",
            "Brémond", "Giraud", "Fabre", "D'Aubigné", "Le Goff", "Le Bihan", "Lebœuf",
            "De La Fontaine", "Du Pré", "Lemaître", "Benoît", "Chauvet", "Michelet",
            "Castagnier", "Saint-Martin", "Lacroix-Vidal",
        ),
    ),
    Origin(
        "maghrebi",
        30.0,
        female=(
            "Fatima", "Khadija", "Aïcha", "Malika", "Nadia", "Samira", "Yamina", "Zohra",
            "Fatiha", "Rachida", "Houria", "Leïla", "Naïma", "Souad", "Latifa", "Karima",
            "Meriem", "Yasmina", "Hafsa", "Imane", "Salma", "Nour", "Inès", "Djamila",
            "Farida", "Hayat", "Saïda", "Fadila", "Nawel", "Sabrina", "Kheira", "Ouarda",
            "Fatma-Zohra", "Chahrazed", "Wafa", "Hanane", "Loubna",
        ),
        male=(
            "Mohamed", "Ahmed", "Abdelkader", "Rachid", "Karim", "Mustapha", "Saïd",
            "Brahim", "Youssef", "Hicham", "Mehdi", "Kamel", "Djamel", "Nordine",
            "Abdallah", "Larbi", "Miloud", "Bachir", "Hocine", "Rabah", "Smaïl", "Ayoub",
            "Bilal", "Walid", "Sofiane", "Abdelhakim", "Mohamed-Amine", "Driss", "Lahcen",
            "Abdelaziz", "Noureddine", "Farid", "Ali", "Omar", "Hamid", "Redouane",
        ),
        last=(
            "Ben Saïd", "Benali", "Ben Ahmed", "Bouzid", "El Amrani", "El Idrissi",
            "Aït Ahmed", "Aït Ouali", "Ould Ali", "Haddad", "Belkacem", "Cherif",
            "Boukhari", "Mansouri", "Hamidi", "Zerrouki", "Bensalem", "Amrani", "Chaouch",
            "Belhadj", "Meziane", "Khelifi", "Saadi", "Benyamina", "Bouabdallah",
            "Lahlou", "Tahiri", "Ouali", "El Fassi", "Ben Youssef", "Moussaoui",
            "Benabderrahmane", "Aït Abdelmalek", "Ould Brahim", "Belaïd", "Boumediene",
            "Kaddour", "Hadj-Ali", "Djebbar", "El Ouardi", "Zaïdi", "Rahmouni", "Messaoudi",
            "Bouchareb", "Aït Benhamou", "Ben Messaoud", "Mekki", "Lounici",
        ),
    ),
    Origin(
        "comorian",
        6.0,
        female=(
            "Zaïnaba", "Mariama", "Faïza", "Nasma", "Sitti", "Roukia", "Hadidja",
            "Mounira", "Anlia", "Nadjma", "Fatouma", "Hadjira", "Zalia", "Echata",
        ),
        male=(
            "Ahamada", "Abdallah", "Nassur", "Djamal", "Hamidou", "Chamsoudine",
            "Youssouf", "Saïd-Ali", "Ibrahim", "Moussa", "Ali", "Houmadi", "Anfane",
        ),
        last=(
            "Attoumani", "Soilihi", "Ahamada", "Mmadi", "Boina", "Chanfi", "Halidi",
            "Toihiri", "Abdou", "Madi", "Saïd Ahmed", "Mohamed Ali", "Msa", "Mzé",
            "Youssouf", "Hamada", "Ben Ali", "Combo",
        ),
    ),
    Origin(
        "west_african",
        7.0,
        female=(
            "Aminata", "Fatoumata", "Mariam", "Kadiatou", "Awa", "Aïssatou", "Oumou",
            "Binta", "Ndèye", "Coumba", "Adjoa", "Akissi", "Rokia", "Assétou",
            "Mame Diarra", "Ramatoulaye",
        ),
        male=(
            "Mamadou", "Moussa", "Ibrahima", "Ousmane", "Abdoulaye", "Seydou", "Cheikh",
            "Souleymane", "Boubacar", "Amadou", "Issa", "Kofi", "Yao", "Kouassi",
            "Mamadou Lamine", "Sékou", "Bakary",
        ),
        last=(
            "N'Diaye", "Diallo", "Traoré", "Koné", "Coulibaly", "Diop", "Camara", "Sylla",
            "Konaté", "Keïta", "Sow", "Ba", "Fofana", "Cissé", "Kouyaté", "Sangaré",
            "Diakité", "Touré", "N'Guessan", "Kouamé", "Ouattara", "Bamba", "Sissoko",
            "Dembélé", "N'Dour", "Gueye", "M'Baye",
        ),
    ),
    Origin(
        "portuguese",
        5.0,
        female=(
            "Maria da Conceição", "Fernanda", "Ana Paula", "Rosa", "Lurdes", "Fátima",
            "Conceição", "Graça", "Sónia", "Joana", "Maria de Fátima", "Albertina",
        ),
        male=(
            "José", "João", "Manuel", "António", "Joaquim", "Fernando", "Rui", "Paulo",
            "Luís", "Carlos", "José Manuel", "Armindo",
        ),
        last=(
            "Da Silva", "Dos Santos", "Ferreira", "Pereira", "Rodrigues", "Gonçalves",
            "Fernandes", "Lopes", "Martins", "Sousa", "Carvalho", "Teixeira", "Moreira",
            "Da Costa", "De Oliveira", "Magalhães", "Ribeiro", "Pinto", "Mendes",
            "Gonçalves da Cunha", "Simões", "Antunes",
        ),
        language="pt",
    ),
    Origin(
        "spanish",
        4.0,
        female=(
            "Dolores", "Carmen", "Pilar", "Encarnación", "María José", "Concepción",
            "Inmaculada", "Rocío", "Begoña", "Mercedes", "Remedios",
        ),
        male=(
            "José Luis", "Francisco", "Antonio", "Manuel", "Jesús", "Ángel", "Joaquín",
            "Andrés", "Ramón", "Juan Carlos",
        ),
        last=(
            "García", "Martínez", "López", "Sánchez", "Fernández", "González", "Pérez",
            "Rodríguez", "Jiménez", "Muñoz", "Ruiz", "Hernández", "De La Cruz", "Del Río",
            "Gutiérrez", "Ibáñez", "Núñez", "Peña", "Romero", "Navarro", "Ortega",
        ),
        language="es",
    ),
    Origin(
        "italian",
        4.0,
        female=(
            "Giuseppina", "Antonietta", "Carmela", "Concetta", "Rosaria", "Graziella",
            "Maria Grazia", "Lucia", "Annunziata", "Filomena",
        ),
        male=(
            "Giuseppe", "Salvatore", "Vincenzo", "Angelo", "Gennaro", "Pasquale",
            "Giovanni", "Carmine", "Nicolò", "Domenico",
        ),
        last=(
            "Esposito", "Russo", "Romano", "Ferraro", "Rizzo", "Lombardi", "Greco",
            "De Luca", "Caruso", "Di Stefano", "Santoro", "Marino", "D'Angelo",
            "Lo Presti", "Di Giacomo", "Fontana", "Mancini", "Cavallaro", "Scalia",
            "Dell'Aquila",
        ),
        language="it",
    ),
    Origin(
        "turkish",
        4.0,
        female=(
            "Ayşe", "Fatma", "Hatice", "Emine", "Gülsüm", "Şerife", "Zeynep", "Özlem",
            "Derya", "Büşra", "Sıla", "Gülşen", "Şükran", "Yağmur",
        ),
        male=(
            "Mehmet", "Mustafa", "Ahmet", "Hüseyin", "İbrahim", "İsmail", "Murat", "Oğuz",
            "Çağrı", "Ömer", "Halil", "Recep", "Yusuf", "Barış", "Ertuğrul",
        ),
        last=(
            "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk",
            "Arslan", "Doğan", "Kılıç", "Çetin", "Koç", "Kurt", "Özdemir", "Güneş",
            "Aksoy", "Polat", "Erdem", "Yüksel", "Karataş", "Bozkurt",
        ),
    ),
    Origin(
        "vietnamese",
        2.5,
        female=(
            "Thị Lan", "Thị Hoa", "Thị Mai", "Thị Hương", "Thị Thu Hà", "Ngọc Anh",
            "Thanh Thảo", "Thị Bích", "Kim Oanh", "Thị Hằng",
        ),
        male=(
            "Văn Minh", "Văn Hùng", "Đức Anh", "Quang Huy", "Văn Long", "Minh Tuấn",
            "Hoàng Nam", "Văn Đạt", "Thành Công",
        ),
        last=(
            "Nguyễn", "Trần", "Phạm", "Lê", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ",
            "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý", "Trương",
        ),
    ),
    Origin(
        "armenian",
        2.5,
        female=(
            "Anahit", "Armine", "Lusine", "Siranouche", "Gayané", "Hasmik", "Araxie",
            "Nvard", "Maro",
        ),
        male=(
            "Aram", "Grigor", "Hagop", "Garabed", "Vartan", "Krikor", "Levon", "Sarkis",
            "Haroutioun", "Ara", "Arsène",
        ),
        last=(
            "Arakélian", "Hovsépian", "Kévorkian", "Manoukian", "Papazian", "Sarkissian",
            "Der Stépanian", "Boghossian", "Khatchadourian", "Mardirossian",
            "Tchakmakian", "Yeghiazarian", "Der Avédissian", "Torossian",
        ),
    ),
    Origin(
        "roma",
        2.5,
        female=(
            "Rosa", "Carmen", "Sonia", "Tatiana", "Vanessa", "Mădălina", "Florica",
            "Nicoleta", "Mirela", "Ionela", "Sandra",
        ),
        male=(
            "Manuel", "Tony", "Kévin", "Florin", "Ionuț", "Gheorghe", "Costel", "Marian",
            "Ștefan", "Nicolas", "Alexandru",
        ),
        last=(
            "Reyes", "Baliardo", "Gimenez", "Cortès", "Santiago", "Moreno", "Reinhardt",
            "Winterstein", "Weiss", "Lagrène", "Ferret", "Stoica", "Dumitru", "Lăcătuș",
            "Căldărar", "Ursu", "Moldovan", "Bălan",
        ),
    ),
    Origin(
        "malagasy",
        1.2,
        female=("Voahangy", "Hanitra", "Lalao", "Fanja", "Tiana", "Noro", "Holy"),
        male=("Rivo", "Haja", "Andry", "Mamy", "Tojo", "Hery", "Fanomezantsoa"),
        last=(
            "Rakotondrabe", "Razafindrakoto", "Andrianarivelo", "Ravelomanantsoa",
            "Rasolofonirina", "Randriamampianina", "Rakotomalala", "Rabemananjara",
        ),
    ),
    Origin(
        "middle_eastern",
        1.5,
        female=("Rama", "Hiba", "Rasha", "Nour", "Zahra", "Maryam", "Shirin", "Lina"),
        male=(
            "Omar", "Khaled", "Ahmad", "Mahmoud", "Tarek", "Ali Reza", "Najibullah",
            "Zabihullah", "Gul Ahmad",
        ),
        last=(
            "Al Hassan", "Al-Khatib", "Abou Chakra", "Nasser", "Darwish", "Sultani",
            "Ahmadzai", "Rahimi", "Al-Jabouri", "Haidari",
        ),
    ),
)  # fmt: skip

#: First names that young people of every origin are often given in France today.
YOUNG_FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "feminin": (
        "Inès", "Lina", "Kenza", "Maëlys", "Sarah", "Aya", "Chloé", "Jade", "Maëlle",
        "Yasmine", "Louna", "Anaïs", "Naïla", "Océane",
    ),
    "masculin": (
        "Yanis", "Rayan", "Adam", "Nassim", "Ilyès", "Enzo", "Lucas", "Noah", "Mathéo",
        "Ethan", "Sofiane", "Kylian", "Amine", "Nathan",
    ),
}  # fmt: skip

#: A few very long names, so that lists, forms and printed documents meet them.
VERY_LONG_FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "feminin": (
        "Marie-Christine-Bernadette",
        "Maria da Conceição Aparecida",
        "Anne-Marie-Joséphine Évangéline",
    ),
    "masculin": (
        "Jean-Baptiste-Emmanuel",
        "Mohamed-Amine Abdelkader",
        "Ahamada Saïd Mohamed Soilihi",
    ),
}
VERY_LONG_LAST_NAMES: tuple[str, ...] = (
    "Razafindrakotomanana-Andrianaivoravelona",
    "Gonçalves da Cunha Magalhães Pereira",
    "De La Cruz y Fernández de Villavicencio",
    "Benabderrahmane-Aït Abdelmalek",
    "Khatchadourian-Der Avédissian",
)

#: People who staff the desk; the generator picks three or four of them.
MEDIATOR_NAMES: tuple[str, ...] = (
    "Nadia Hamdani",
    "Julien Reboul",
    "Sophie Marchetti",
    "Karim Bensalah",
    "Élodie Fabre",
    "Yacine Mokrani",
)

#: Communes of residents with their postcode and how often they are drawn.
COMMUNES: tuple[tuple[str, str, float], ...] = (
    ("Salon-de-Provence", "13300", 80.0),
    ("Pélissanne", "13330", 5.0),
    ("Lançon-Provence", "13680", 4.0),
    ("Grans", "13450", 3.0),
    ("Miramas", "13140", 4.0),
    ("Eyguières", "13430", 4.0),
)

#: Mail domains under the reserved ``.example`` top-level domain (RFC 2606): they look
#: familiar but can never reach anybody.
MAIL_DOMAINS: tuple[str, ...] = (
    "orange.example",
    "free.example",
    "laposte.example",
    "gmail.example",
    "hotmail.example",
    "sfr.example",
    "yahoo.example",
    "outlook.example",
)

#: Short, neutral notes on a resident: practical preferences only.
RESIDENT_NOTES: tuple[str, ...] = (
    "Préfère les rendez-vous du matin.",
    "Préfère être contacté·e par SMS.",
    "Apporte une clé USB pour ses documents.",
    "A son propre ordinateur portable.",
    "Préfère les explications écrites, étape par étape.",
    "Vient plutôt le mardi.",
)

#: Short, neutral notes on a session: what was done or is to do, nothing personal.
SESSION_NOTES: tuple[str, ...] = (
    "Documents imprimés et remis.",
    "Revient avec le courrier reçu.",
    "Rendez-vous pris pour la semaine prochaine.",
    "Mot de passe réinitialisé ; la personne l'a noté elle-même.",
    "Compte créé ; la personne garde ses identifiants.",
    "À revoir : envoi d'une pièce jointe.",
    "Justificatifs scannés sur place.",
    "Fiche pas à pas imprimée.",
    "Démarche à terminer : il manque un justificatif.",
    "Exercices de clavier et de souris.",
)
