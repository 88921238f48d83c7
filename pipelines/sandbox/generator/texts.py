"""Texts people and brands write, in English, Russian, Ukrainian and Romanian.

Every sentiment-laden template carries at least one word of `SENTIMENT_WORDS` for its polarity (and none
of the other), so a lexicon scorer can recover the label; neutral templates carry none.
`{b}` / `{c}` are brand names (any alias spelling), `{p}` a product, `{h}` the brand's hashtag.
"""

from __future__ import annotations

import html
from random import Random

LANGS = ("en", "ru", "uk", "ro")

SENTIMENT_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "positive": (
            "love",
            "great",
            "amazing",
            "delicious",
            "best",
            "excellent",
            "perfect",
            "friendly",
            "cozy",
            "recommend",
        ),
        "negative": (
            "terrible",
            "awful",
            "worst",
            "rude",
            "cold",
            "disappointed",
            "bad",
            "overpriced",
            "slow",
            "dirty",
        ),
    },
    "ru": {
        "positive": (
            "отличный",
            "отличное",
            "вкусный",
            "вкусно",
            "лучший",
            "люблю",
            "обожаю",
            "супер",
            "рекомендую",
            "уютно",
        ),
        "negative": (
            "ужасный",
            "ужасно",
            "плохой",
            "худший",
            "холодный",
            "грубый",
            "разочарован",
            "дорого",
            "медленно",
            "грязно",
        ),
    },
    "uk": {
        "positive": (
            "чудова",
            "чудово",
            "смачна",
            "смачно",
            "найкраща",
            "люблю",
            "обожнюю",
            "супер",
            "рекомендую",
            "затишно",
        ),
        "negative": (
            "жахлива",
            "жахливо",
            "погана",
            "найгірша",
            "холодна",
            "груба",
            "розчарований",
            "дорого",
            "повільно",
            "брудно",
        ),
    },
    "ro": {
        "positive": (
            "excelentă",
            "delicioasă",
            "minunat",
            "minunată",
            "recomand",
            "perfectă",
            "prietenos",
            "superb",
        ),
        "negative": ("groaznic", "rece", "proastă", "dezamăgit", "nepoliticos", "scump", "murdar"),
    },
}

MENTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "positive": (
            "Just had the best flat white at {b}, absolutely love it ☕",
            "{b} is always great: friendly baristas and a delicious {p}",
            "Cozy morning at {b}. Highly recommend the {p}!",
            "The new {p} at {b} is amazing",
            "Great service & music today at {b}, thanks team",
        ),
        "neutral": (
            "Anyone tried the new seasonal menu at {b}?",
            "Is {b} open on Sunday mornings?",
            "Meeting at {b} at 10, see you there",
            "{b} opened a new spot near the station",
            "Does {b} have oat milk?",
        ),
        "negative": (
            "{b} was terrible today: cold {p} and rude staff",
            "Waited 25 minutes at {b}. So slow, really disappointed",
            "Overpriced and bad, {b} is not what it used to be",
            "Worst {p} I have had in months, {b}",
            "Dirty tables again at {b}, awful",
        ),
    },
    "ru": {
        "positive": (
            "Лучший раф в городе — в «{b}», обожаю ☕",
            "В {b} всегда уютно и вкусно, рекомендую",
            "Попробовала новый {p} в {b}: отличный!",
            "{b} — супер место для работы с ноутбуком",
            "Спасибо {b} за отличное утро",
        ),
        "neutral": (
            "Кто-нибудь был в новой точке {b}?",
            "{b} работает в воскресенье?",
            "Встречаемся у {b} в 10",
            "В {b} поменяли меню, посмотрю вечером",
            "Есть ли в {b} растительное молоко?",
        ),
        "negative": (
            "В {b} сегодня ужасно: холодный {p} и грубый бариста",
            "{b}, ждала заказ 20 минут, очень медленно. Разочарован сервисом",
            "Дорого и плохой кофе, {b} уже не тот",
            "Худший {p} за месяц, {b}",
            "В {b} опять грязно, ужасный сервис",
        ),
    },
    "uk": {
        "positive": (
            "Найкраща кава в місті — у «{b}», обожнюю ☕",
            "У {b} завжди затишно і смачно, рекомендую",
            "Спробувала новий {p} у {b}: чудово!",
            "{b} — супер місце, щоб попрацювати з ноутбуком",
            "Дякую {b} за чудовий ранок, дуже смачна кава",
        ),
        "neutral": (
            "Хтось уже був у новій точці {b}?",
            "{b} працює в неділю?",
            "Зустрічаємось біля {b} о 10",
            "У {b} змінили меню, подивлюсь увечері",
            "Чи є у {b} рослинне молоко?",
        ),
        "negative": (
            "У {b} сьогодні жахливо: холодна кава і груба бариста",
            "{b}, чекала замовлення 20 хвилин, дуже повільно. Розчарований сервісом",
            "Дорого і погана кава, {b} вже не та",
            "Найгірша кава за місяць, {b}",
            "У {b} знову брудно, жахливий сервіс",
        ),
    },
    "ro": {
        "positive": (
            "Cafeaua de la {b} este excelentă ☕",
            "Recomand {b}: personal prietenos și un {p} superb",
            "Dimineață minunată la {b}",
            "Noul {p} de la {b} este superb",
            "{b} are cea mai delicioasă cafea din oraș",
        ),
        "neutral": (
            "A încercat cineva noul meniu de la {b}?",
            "{b} este deschis duminica?",
            "Ne vedem la {b} la ora 10",
            "{b} a deschis o locație nouă lângă gară",
            "Are {b} lapte vegetal?",
        ),
        "negative": (
            "Experiență groaznic de proastă la {b}: cafea rece",
            "Am așteptat 25 de minute la {b}, sunt dezamăgit",
            "Scump și murdar, {b} nu mai e ce era",
            "Personal nepoliticos azi la {b}",
            "Cafea rece și scump la {b}",
        ),
    },
}

# Two brands in one text (about 10% of mentions): the label holds for both.
PAIR_MENTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "positive": ("Tried both {b} and {c} today, both were delicious",),
        "neutral": (
            "{b} or {c}? Which one is closer to the office?",
            "Comparing {b} and {c} prices this week",
        ),
        "negative": ("Both {b} and {c} raised prices again, terrible",),
    },
    "ru": {
        "positive": ("И {b}, и {c} — отличный кофе, рекомендую оба",),
        "neutral": ("{b} или {c}? Что ближе к метро?", "Сравниваю цены в {b} и {c}"),
        "negative": ("И {b}, и {c} снова подняли цены, ужасно",),
    },
    "uk": {
        "positive": ("І {b}, і {c} — чудова кава, рекомендую обидві",),
        "neutral": ("{b} чи {c}? Що ближче до метро?", "Порівнюю ціни в {b} та {c}"),
        "negative": ("І {b}, і {c} знову підняли ціни, жахливо",),
    },
    "ro": {
        "positive": ("Am încercat {b} și {c}, ambele excelentă alegere, recomand",),
        "neutral": ("{b} sau {c}? Care e mai aproape de birou?", "Compar prețurile la {b} și {c}"),
        "negative": ("Și {b} și {c} au scumpit din nou, groaznic",),
    },
}

# Coffee chatter that names no tracked brand (search engines return it anyway).
CHATTER: dict[str, tuple[str, ...]] = {
    "en": (
        "Rainy Monday, need coffee",
        "Coffee first, then emails. Coffee > emails",
        "Espresso or cappuccino, what's your pick?",
    ),
    "ru": ("Кто знает хорошую кофейню на Подоле?", "Утро без кофе — не утро", "Капучино или латте?"),
    "uk": ("Шукаю затишну кав'ярню біля роботи", "Ранок без кави — не ранок", "Капучино чи лате?"),
    "ro": (
        "Cafeaua de dimineață e obligatorie",
        "Unde găsesc un espresso bun în centru?",
        "Luni ploioasă, cafea",
    ),
}

PRODUCTS: dict[str, tuple[str, ...]] = {
    "en": ("flat white", "nitro brew", "latte", "cappuccino", "espresso", "croissant", "filter coffee"),
    "ru": ("раф", "латте", "капучино", "эспрессо", "круассан", "колд брю"),
    "uk": ("раф", "лате", "капучино", "еспресо", "круасан", "колд брю"),
    "ro": ("flat white", "latte", "cappuccino", "espresso", "croissant"),
}

OWN_POSTS: dict[str, tuple[str, ...]] = {
    "en": (
        "Our new seasonal {p} is here. Come taste it this week",
        "Behind the bar: how we dial in the {p} every morning",
        "Weekend plans? Bring a friend, the second {p} is on us",
        "Meet our barista team. Ask them about today's {p}",
        "New beans from Ethiopia just landed. Try them as a {p}",
        "Tag a friend who needs a {p} today",
        'How we roast: a short "bean to cup" video from our roastery',
        "Read the story of our farm partners & importers on the blog",
    ),
    "ru": (
        "Новый сезонный {p} уже в меню. Приходите попробовать",
        "За барной стойкой: как мы настраиваем {p} каждое утро",
        "Планы на выходные? Второй {p} — в подарок",
        "Знакомьтесь с нашими бариста",
        "Новое зерно из Эфиопии уже в кофейнях",
        "Отметьте друга, которому сегодня нужен {p}",
    ),
    "uk": (
        "Новий сезонний {p} вже в меню. Приходьте скуштувати",
        "За барною стійкою: як ми налаштовуємо {p} щоранку",
        "Плани на вихідні? Другий {p} — у подарунок",
        "Знайомтеся з нашою командою бариста",
        "Нове зерно з Ефіопії вже в кав'ярнях",
        "Позначте друга, якому сьогодні потрібен {p}",
        "Як ми обсмажуємо каву: коротке відео з обсмажувальні",
    ),
    "ro": (
        "Noul {p} de sezon a sosit. Vă așteptăm să-l gustați",
        "În spatele barului: cum pregătim {p} în fiecare dimineață",
        "Planuri de weekend? Al doilea {p} e din partea casei",
        "Cunoașteți echipa noastră de bariști",
        "Boabe noi din Etiopia au ajuns în cafenele",
    ),
}

COMMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "positive": ("Love it!", "Looks delicious 😍", "Best coffee in town", "Great news!"),
        "neutral": (
            "Is it available in all locations & online?",
            "What time do you open tomorrow?",
            "Price?",
            "Do you deliver?",
        ),
        "negative": (
            "My order was cold yesterday, disappointed",
            "Staff was rude this morning",
            "Too overpriced now",
        ),
    },
    "ru": {
        "positive": ("Обожаю!", "Выглядит вкусно 😍", "Лучший кофе в городе", "Супер!"),
        "neutral": ("Есть во всех кофейнях?", "Во сколько открываетесь завтра?", "Цена?", "Есть доставка?"),
        "negative": ("Вчера кофе был холодный, разочарован", "Бариста был грубый", "Стало очень дорого"),
    },
    "uk": {
        "positive": ("Обожнюю!", "Виглядає смачно 😍", "Найкраща кава в місті", "Супер!"),
        "neutral": ("Є в усіх кав'ярнях?", "О котрій відкриваєтесь завтра?", "Ціна?", "Є доставка?"),
        "negative": ("Вчора кава була холодна, розчарований", "Бариста була груба", "Стало дуже дорого"),
    },
    "ro": {
        "positive": ("Superb!", "Arată delicioasă 😍", "Cea mai bună cafea din oraș, recomand"),
        "neutral": ("Este disponibil în toate locațiile?", "La ce oră deschideți mâine?", "Preț?"),
        "negative": ("Cafeaua a fost rece ieri, dezamăgit", "Personal nepoliticos azi", "Prea scump acum"),
    },
}

REPLIES: dict[str, tuple[str, ...]] = {
    "en": (
        "Thank you! See you soon ☕",
        "Thanks for the feedback, we'll fix it",
        "Yes, in all our locations",
        "Please DM us your order number, we'll sort it out",
        "We open at 8:00 tomorrow",
    ),
    "ru": (
        "Спасибо! Ждём вас ☕",
        "Спасибо за отзыв, разберёмся",
        "Да, во всех кофейнях",
        "Напишите нам в личные сообщения номер заказа",
        "Открываемся в 8:00",
    ),
    "uk": (
        "Дякуємо! Чекаємо на вас ☕",
        "Дякуємо за відгук, розберемося",
        "Так, в усіх кав'ярнях",
        "Напишіть нам у приватні повідомлення номер замовлення",
        "Відкриваємося о 8:00",
    ),
    "ro": (
        "Mulțumim! Vă așteptăm ☕",
        "Mulțumim pentru feedback, rezolvăm",
        "Da, în toate locațiile",
        "Trimiteți-ne numărul comenzii în privat",
        "Deschidem la 8:00",
    ),
}

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("Emma", "Liam", "Olivia", "Noah", "Ava", "James", "Mia", "Lucas"),
    "ru": ("Анна", "Дмитрий", "Мария", "Алексей", "Елена", "Сергей", "Ольга", "Иван"),
    "uk": ("Оксана", "Андрій", "Ірина", "Тарас", "Соломія", "Богдан", "Марія", "Олег"),
    "ro": ("Ioana", "Andrei", "Elena", "Mihai", "Ana", "Alexandru", "Maria", "Radu"),
}
LAST_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("Smith", "Brown", "Wilson", "Taylor", "Clark", "Walker"),
    "ru": ("Иванова", "Смирнов", "Кузнецова", "Попов", "Соколова", "Лебедев"),
    "uk": ("Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник"),
    "ro": ("Popescu", "Ionescu", "Dumitru", "Stan", "Stoica", "Gheorghe"),
}
_TRANSLIT = {
    "Анна": "anna",
    "Дмитрий": "dima",
    "Мария": "masha",
    "Алексей": "lesha",
    "Елена": "lena",
    "Сергей": "serg",
    "Ольга": "olga",
    "Иван": "vanya",
    "Оксана": "oksana",
    "Андрій": "andrii",
    "Ірина": "iryna",
    "Тарас": "taras",
    "Соломія": "solomiia",
    "Богдан": "bohdan",
    "Марія": "mariia",
    "Олег": "oleh",
}


def pick(rng: Random, options: tuple[str, ...]) -> str:
    return options[rng.randrange(len(options))]


def sentiment_roll(rng: Random, negative_share: float = 0.2) -> str:
    roll = rng.random()
    if roll < negative_share:
        return "negative"
    return "neutral" if roll < negative_share + 0.3 else "positive"


def person(rng: Random, lang: str) -> tuple[str, str]:
    """A display name and a Latin username for a member of the public writing in `lang`."""
    first = pick(rng, FIRST_NAMES[lang])
    last = pick(rng, LAST_NAMES[lang])
    latin = _TRANSLIT.get(first, first.lower())
    style = rng.randrange(3)
    username = (
        f"{latin}{rng.randint(1, 999)}"
        if style == 0
        else f"{latin}_{rng.randint(70, 99)}"
        if style == 1
        else f"{latin}.coffee{rng.randint(1, 50)}"
    )
    return f"{first} {last}", username


def mention_text(rng: Random, lang: str, sentiment: str, names: list[str]) -> str:
    """A post naming one or two brands (`names` already spelled as the author would)."""
    if len(names) >= 2:
        template = pick(rng, PAIR_MENTIONS[lang][sentiment])
        return template.format(b=names[0], c=names[1], p=pick(rng, PRODUCTS[lang]))
    return pick(rng, MENTIONS[lang][sentiment]).format(b=names[0], p=pick(rng, PRODUCTS[lang]))


def own_post_text(rng: Random, lang: str, hashtag: str | None) -> str:
    text = pick(rng, OWN_POSTS[lang]).format(p=pick(rng, PRODUCTS[lang]))
    return f"{text} {hashtag}" if hashtag else text


def comment_text(rng: Random, lang: str, sentiment: str) -> str:
    return pick(rng, COMMENTS[lang][sentiment])


def reply_text(rng: Random, lang: str) -> str:
    return pick(rng, REPLIES[lang])


# ---------------------------------------------------------------- text as the APIs send it


def x_escaped(text: str) -> str:
    """X API v2 tweet text: `&`, `<` and `>` HTML-escaped, nothing else."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def vk_escaped(text: str) -> str:
    """VK API text: HTML-escaped with `&quot;` for double quotes."""
    return html.escape(text, quote=False).replace('"', "&quot;")


def youtube_search_escaped(text: str) -> str:
    """YouTube Data API search snippets: HTML-escaped, the apostrophe as `&#39;`."""
    return html.escape(text, quote=True).replace("&#x27;", "&#39;")


def as_mojibake(text: str) -> str:
    """The text's UTF-8 bytes read as Windows-1252 (bytes it leaves undefined as Latin-1), the way a
    misconfigured client garbles it: "😍" becomes "ðŸ˜\\x8d"."""
    return "".join(
        bytes([b]).decode("cp1252", errors="replace").replace("\ufffd", chr(b)) for b in text.encode("utf-8")
    )
