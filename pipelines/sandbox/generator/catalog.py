"""The tracked brands: names, aliases in every script, timezones, account ids, audience sizes.

Scale 1 is one competitor set of four coffee brands (group 0). Scale K adds K-1 more groups of four
fictional brands, each group with its own competitor set and own brand, so brand ids, aliases and
account ids stay unique and a mention can only ever match inside its own set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

PLATFORMS: tuple[str, ...] = ("facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "vk", "telegram")
MAX_SCALE = 100

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


@dataclass(frozen=True)
class BusinessHours:
    days: tuple[str, ...]
    start: str
    end: str


@dataclass(eq=False)
class Brand:
    """One tracked brand; `index` is global (0..4K-1) and seeds every id the brand owns."""

    id: str
    name: str
    own: bool
    group: int
    index: int
    timezone: str
    handle: str  # @handle / #hashtag / username without the sigil
    cyr_ru: str
    cyr_uk: str
    langs: tuple[str, ...]  # languages the brand and its audience write in, most used first
    size: float  # audience multiplier relative to the own brand of group 0
    latin_variants: tuple[str, ...] = ()  # extra Latin spellings (accent-less)
    business_hours: BusinessHours | None = None
    accounts: dict[str, str] = field(default_factory=dict)
    ga4_property: str | None = None  # own brands' site analytics (brands.yml accounts.ga4)

    @property
    def aliases(self) -> list[str]:
        """Every spelling the warehouse should match: Latin (+ accent-less), Russian, Ukrainian, @, #."""
        names = [
            self.name,
            *self.latin_variants,
            self.cyr_ru,
            self.cyr_uk,
            f"@{self.handle}",
            f"#{self.handle}",
        ]
        return list(dict.fromkeys(names))

    def name_in(self, lang: str, rng: Random) -> str:
        """How a person writing in `lang` names the brand (mostly the script of the language)."""
        roll = rng.random()
        if roll < 0.12:
            return f"@{self.handle}"
        if roll < 0.2:
            return f"#{self.handle}"
        if lang == "ru" and roll < 0.85:
            return self.cyr_ru
        if lang == "uk" and roll < 0.85:
            return self.cyr_uk
        spellings = (self.name, *self.latin_variants)
        name = spellings[rng.randrange(len(spellings))]
        # People do not respect capitalisation; matching must be case-insensitive.
        if rng.random() < 0.08:
            return name.lower()
        if rng.random() < 0.03:
            return name.upper()
        return name


@dataclass(frozen=True)
class CompetitorSet:
    id: str
    group: int
    brands: tuple[Brand, ...]

    @property
    def own(self) -> Brand:
        return next(b for b in self.brands if b.own)


# Group 0: the example brands of the landing contract.
_GROUP0 = (
    dict(
        id="aurora_coffee",
        name="Aurora Coffee",
        own=True,
        timezone="Europe/Kyiv",
        handle="auroracoffee",
        cyr_ru="Аврора Кофе",
        cyr_uk="Аврора Кава",
        langs=("uk", "en", "ru"),
        size=1.0,
    ),
    dict(
        id="boreal_beans",
        name="Boreal Beans",
        own=False,
        timezone="Europe/Kyiv",
        handle="borealbeans",
        cyr_ru="Бореал Бинс",
        cyr_uk="Бореал Бінс",
        langs=("uk", "ru", "en"),
        size=0.8,
    ),
    dict(
        id="cedar_roasters",
        name="Cedar Roasters",
        own=False,
        timezone="Europe/Bucharest",
        handle="cedarroasters",
        cyr_ru="Сидар Ростерс",
        cyr_uk="Сідар Ростерс",
        langs=("ro", "en", "ru"),
        size=0.55,
    ),
    dict(
        id="dunes_cafe",
        name="Dunes Café",
        own=False,
        timezone="Europe/Kyiv",
        handle="dunescafe",
        cyr_ru="Дюнс Кафе",
        cyr_uk="Дюнс Кафе",
        langs=("en", "ru", "uk"),
        size=1.25,
        latin_variants=("Dunes Cafe",),
    ),
)
_GROUP0_ACCOUNTS = {
    "aurora_coffee": ("UCaurora000000000000000", "aurora_open_id"),
    "boreal_beans": ("UCboreal000000000000000", "boreal_open_id"),
    "cedar_roasters": ("UCcedar0000000000000000", "cedar_open_id"),
    "dunes_cafe": ("UCdunes0000000000000000", "dunes_open_id"),
}

# Extra groups: adjective × noun names (30 × 14, coprime stride, so 420 unique pairs), each word with its
# Russian and Ukrainian transliteration as people there would write the brand.
_ADJECTIVES = (
    ("Ember", "Эмбер", "Ембер"),
    ("Fjord", "Фьорд", "Фйорд"),
    ("Glacier", "Глейшер", "Глейшер"),
    ("Harbor", "Харбор", "Гарбор"),
    ("Iris", "Айрис", "Айріс"),
    ("Juniper", "Джунипер", "Джуніпер"),
    ("Kestrel", "Кестрел", "Кестрел"),
    ("Lumen", "Люмен", "Люмен"),
    ("Maple", "Мейпл", "Мейпл"),
    ("Nimbus", "Нимбус", "Німбус"),
    ("Orchid", "Орхид", "Орхід"),
    ("Pine", "Пайн", "Пайн"),
    ("Quartz", "Кварц", "Кварц"),
    ("Raven", "Рэйвен", "Рейвен"),
    ("Sierra", "Сьерра", "Сьєрра"),
    ("Tundra", "Тундра", "Тундра"),
    ("Umber", "Амбер", "Амбер"),
    ("Vega", "Вега", "Вега"),
    ("Willow", "Виллоу", "Віллоу"),
    ("Yarrow", "Ярроу", "Ярроу"),
    ("Zephyr", "Зефир", "Зефір"),
    ("Alder", "Олдер", "Олдер"),
    ("Birch", "Бёрч", "Берч"),
    ("Comet", "Комет", "Комет"),
    ("Delta", "Дельта", "Дельта"),
    ("Echo", "Эхо", "Ехо"),
    ("Falcon", "Фалкон", "Фалкон"),
    ("Granite", "Гранит", "Граніт"),
    ("Hazel", "Хейзел", "Гейзел"),
    ("Indigo", "Индиго", "Індиго"),
)
_NOUNS = (
    ("Coffee", "Кофе", "Кава"),
    ("Beans", "Бинс", "Бінс"),
    ("Roasters", "Ростерс", "Ростерс"),
    ("Café", "Кафе", "Кафе"),
    ("Tea", "Ти", "Ті"),
    ("Bakery", "Бейкери", "Бейкері"),
    ("Espresso", "Эспрессо", "Еспресо"),
    ("Brew", "Брю", "Брю"),
    ("Grind", "Грайнд", "Грайнд"),
    ("Cup", "Кап", "Кап"),
    ("Bar", "Бар", "Бар"),
    ("House", "Хаус", "Хаус"),
    ("Lab", "Лаб", "Лаб"),
    ("Mill", "Милл", "Мілл"),
)
_EXTRA_ZONES = ("Europe/Kyiv", "Europe/Bucharest", "Europe/Chisinau", "Europe/Kyiv")
_EXTRA_LANGS = (("uk", "en", "ru"), ("ro", "en", "ru"), ("ru", "uk", "en"), ("en", "ro", "uk"))


def _accounts(brand: Brand, youtube: str, tiktok: str) -> dict[str, str]:
    """Account ids spelled as the platforms do (common brief); unique because they derive from `index`."""
    i = brand.index
    return {
        "facebook": str(104000000000001 + i),
        "instagram": str(17841400000000001 + i),
        "x": str(1500000000000000001 + i),
        "linkedin": f"urn:li:organization:{5000001 + i}",
        "youtube": youtube,
        "tiktok": tiktok,
        "vk": str(-(123456 + i)),
        "telegram": str(1234567890 + i),
    }


def _extra_brand(k: int, group: int, own: bool, rng: Random) -> Brand:
    adj_ru_uk = _ADJECTIVES[k % len(_ADJECTIVES)]
    noun = _NOUNS[(k // len(_ADJECTIVES) + k) % len(_NOUNS)]
    name = f"{adj_ru_uk[0]} {noun[0]}"
    slug = name.lower().replace("é", "e").replace(" ", "_")
    return Brand(
        id=slug,
        name=name,
        own=own,
        group=group,
        index=0,
        timezone=_EXTRA_ZONES[k % len(_EXTRA_ZONES)],
        handle=slug.replace("_", ""),
        cyr_ru=f"{adj_ru_uk[1]} {noun[1]}",
        cyr_uk=f"{adj_ru_uk[2]} {noun[2]}",
        langs=_EXTRA_LANGS[k % len(_EXTRA_LANGS)],
        size=1.0 if own else round(rng.uniform(0.45, 1.4), 2),
        latin_variants=(name.replace("é", "e"),) if "é" in name else (),
    )


def build_catalog(scale: int) -> tuple[list[Brand], list[CompetitorSet]]:
    """All brands (group-major, own brand first in each group) and one competitor set per group."""
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be between 1 and {MAX_SCALE}, got {scale}")
    brands: list[Brand] = []
    sets: list[CompetitorSet] = []
    # Brand naming depends on the group only (not the seed): the same scale always tracks the same brands.
    naming = Random("generator/catalog")
    for group in range(scale):
        members: list[Brand] = []
        for j in range(4):
            index = group * 4 + j
            if group == 0:
                spec = dict(_GROUP0[j])
                brand = Brand(group=0, index=index, **spec)  # type: ignore[arg-type]
                youtube, tiktok = _GROUP0_ACCOUNTS[brand.id]
            else:
                brand = _extra_brand(index - 4, group, own=(j == 0), rng=naming)
                brand.index = index
                youtube = f"UC{brand.handle[:8]:x<8}{index:014d}"
                tiktok = f"{brand.id}_open_id"
            if brand.own:
                brand.business_hours = BusinessHours(WEEKDAYS, "09:00", "18:00")
                brand.ga4_property = f"properties/{312000001 + index}"
            brand.accounts = _accounts(brand, youtube, tiktok)
            members.append(brand)
        brands.extend(members)
        set_id = "coffee_ua" if group == 0 else f"{members[0].id}_market"
        sets.append(CompetitorSet(set_id, group, tuple(members)))
    return brands, sets
