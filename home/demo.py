"""Demo content of the home app in kk, ru and en: the home page as the default
site's root, helplines, the help page with family support centres and a few text
pages. Facts come from the source articles in the design notes; nothing here is a
made-up figure.

Loading is idempotent: what exists is kept (editors' changes survive), only empty
fields are filled, and a page gets a new revision only when something changed.
"""

from typing import Any, TextIO

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import translation

from wagtail.models import Page, Site

from home.models import (
    FamilySupportCentre,
    HelplineSettings,
    HelpPage,
    HomePage,
    Region,
    StandardPage,
)

LANGUAGES = ("kk", "ru", "en")

HOME = {
    "title": {
        "kk": "Бақытты отбасы",
        "ru": "Бақытты отбасы",
        "en": "Bakytty Otbasy — Happy family",
    },
    "slug": {"kk": "bakytty-otbasy", "ru": "bakytty-otbasy", "en": "bakytty-otbasy"},
    "search_description": {
        "kk": "Некеге дейінгі онлайн нұсқаулық және отбасы академиялары. «Бақытты "
        "қазақстандық отбасы» интерактивті нұсқаулығы некені онлайн тіркеуге өтініш "
        "берген азаматтар үшін міндетті: оны телефоннан қараңыз және сертификат "
        "алыңыз.",
        "ru": "Онлайн-руководство перед вступлением в брак и семейные академии. "
        "Интерактивное руководство «Бақытты қазақстандық отбасы» обязательно для "
        "граждан, подавших заявление на онлайн-регистрацию брака: смотрите его с "
        "телефона и получите сертификат.",
        "en": "The online pre-marriage guide and the family academies. The "
        "interactive guide «Бақытты қазақстандық отбасы» is mandatory for citizens "
        "who apply for online marriage registration: watch it on your phone and get "
        "a certificate.",
    },
    "hero_heading": {
        "kk": "Некеге дейінгі онлайн нұсқаулық және отбасы академиялары",
        "ru": "Онлайн-руководство перед вступлением в брак и семейные академии",
        "en": "The online pre-marriage guide and the family academies",
    },
    "hero_text": {
        "kk": "«Бақытты қазақстандық отбасы» интерактивті нұсқаулығы некені онлайн "
        "тіркеуге өтініш берген азаматтар үшін міндетті. Оны телефоннан қазақ немесе "
        "орыс тілінде қараңыз, тоқтаған жерден жалғастырыңыз және неке тіркеу қызметі "
        "тексере алатын сертификат алыңыз.",
        "ru": "Интерактивное руководство «Бақытты қазақстандық отбасы» обязательно "
        "для граждан, подавших заявление на онлайн-регистрацию брака. Смотрите его с "
        "телефона на казахском или русском языке, продолжайте с того места, где "
        "остановились, и получите сертификат, который проверит служба регистрации "
        "брака.",
        "en": "The interactive guide «Бақытты қазақстандық отбасы» (Happy Kazakhstani "
        "Family) is mandatory for citizens who apply for online marriage "
        "registration. Watch it on your phone in Kazakh or Russian, resume where you "
        "stopped, and get a certificate that the marriage registration service can "
        "check.",
    },
    "intro": {
        "kk": "<p>Нұсқаулық некеге тұратын жұптардың отбасылық оң дәстүрлер мен "
        "рухани-адамгершілік құндылықтарды сақтау мәселелері бойынша хабардар болуын "
        "арттыруға бағытталған.</p>",
        "ru": "<p>Руководство помогает будущим супругам больше узнать о том, как "
        "сохранять добрые семейные традиции и духовно-нравственные ценности.</p>",
        "en": "<p>The guide helps couples who are about to marry learn how to keep "
        "positive family traditions and spiritual and moral values.</p>",
    },
    "courses_heading": {
        "kk": "Нұсқаулық және академиялар",
        "ru": "Руководство и академии",
        "en": "The guide and the academies",
    },
    "courses_intro": {
        "kk": "<p>Міндетті нұсқаулықтан бастаңыз. Жұптарға арналған академия мен "
        "«Ата-аналар академиясы» — өз қарқыныңызбен өтетін курстар; әр курсты "
        "аяқтағанда сертификат беріледі. «Ата-аналар академиясы» жауапты ата-ана "
        "мәдениетін қалыптастыруға арналған.</p>",
        "ru": "<p>Начните с обязательного руководства. Академия для пар и «Ата-аналар "
        "академиясы» (Академия родителей) — курсы, которые проходят в своём темпе; "
        "по каждому курсу выдаётся сертификат. «Ата-аналар академиясы» помогает "
        "формировать культуру ответственного родительства.</p>",
        "en": "<p>Start with the mandatory guide. The couples' academy and «Ата-аналар "
        "академиясы» (the parents' academy) are courses you take at your own pace, "
        "with a certificate for each course. The parents' academy helps build a "
        "culture of responsible parenthood.</p>",
    },
    "help_heading": {
        "kk": "Көмек жақын",
        "ru": "Помощь рядом",
        "en": "Help is close",
    },
    "help_text": {
        "kk": "Отбасын қолдау орталықтары құқықтық, психологиялық және әлеуметтік "
        "кеңес береді, ал некеге тұруға өтініш берген азаматтарға тегін кеңес беру мен "
        "оқыту ұсынады.",
        "ru": "Центры поддержки семьи дают правовые, психологические и социальные "
        "консультации, а гражданам, подавшим заявление на вступление в брак, "
        "бесплатно предлагают консультирование и обучение.",
        "en": "Family support centres give legal, psychological and social "
        "counselling, and offer free counselling and training to citizens who have "
        "applied for marriage.",
    },
}

HELPLINES = {
    "violence_description": {
        "kk": "Тұрмыстық зорлық-зомбылық құрбандарына арналған жедел желі: тәулік "
        "бойы, тегін және жасырын, еліміздің кез келген нүктесінен.",
        "ru": "Телефон доверия для пострадавших от бытового насилия: круглосуточно, "
        "бесплатно и анонимно, из любой точки Казахстана.",
        "en": "Helpline for victims of domestic violence: around the clock, free and "
        "anonymous, from anywhere in Kazakhstan.",
    },
    "family_description": {
        "kk": "Отбасы, әйелдер және балалардың құқықтарын қорғау мәселелері бойынша "
        "бірыңғай мемлекеттік байланыс орталығы: құқықтық, психологиялық және "
        "консультациялық көмек.",
        "ru": "Единый государственный контакт-центр по вопросам защиты прав семьи, "
        "женщин и детей: правовая, психологическая и консультационная помощь.",
        "en": "Unified state contact centre for the protection of family, women's "
        "and children's rights: legal, psychological and advisory help.",
    },
}

HELP = {
    "title": {"kk": "Көмек", "ru": "Помощь", "en": "Help"},
    "slug": {"kk": "komek", "ru": "pomoshch", "en": "help"},
    "search_description": {
        "kk": "Тұрмыстық зорлық-зомбылық жағдайында 150 нөміріне тәулік бойы, тегін "
        "және жасырын қоңырау шалуға болады; 111 байланыс орталығы құқықтық, "
        "психологиялық және консультациялық көмек көрсетеді. Өңіріңіздегі Отбасын "
        "қолдау орталықтары.",
        "ru": "При бытовом насилии можно круглосуточно, бесплатно и анонимно позвонить "
        "по номеру 150; контакт-центр 111 оказывает правовую, психологическую и "
        "консультационную помощь. Центры поддержки семьи в вашем регионе.",
        "en": "In case of domestic violence you can call 150 around the clock, free "
        "and anonymously; the 111 contact centre gives legal, psychological and "
        "advisory help. Family support centres in your region.",
    },
    "intro": {
        "kk": "<p>Қиын жағдайға тап болсаңыз, жалғыз емессіз. Тұрмыстық "
        "зорлық-зомбылық жағдайында 150 нөміріне тәулік бойы, тегін және "
        "жасырын қоңырау шалуға болады. 111 байланыс орталығы отбасы, әйелдер "
        "және балалардың құқықтарын қорғау мәселелері бойынша жедел құқықтық, "
        "психологиялық және консультациялық көмек көрсетеді.</p>",
        "ru": "<p>Если вы оказались в трудной ситуации, вы не одни. При бытовом "
        "насилии можно круглосуточно, бесплатно и анонимно позвонить по номеру 150. "
        "Контакт-центр 111 оперативно оказывает правовую, психологическую и "
        "консультационную помощь по вопросам защиты прав семьи, женщин и "
        "детей.</p>",
        "en": "<p>If you are in a difficult situation, you are not alone. In case of "
        "domestic violence you can call 150 around the clock, free and anonymously. "
        "The 111 contact centre gives prompt legal, psychological and advisory help "
        "on the protection of family, women's and children's rights.</p>",
    },
    "centres_heading": {
        "kk": "Отбасын қолдау орталықтары",
        "ru": "Центры поддержки семьи",
        "en": "Family support centres",
    },
    "centres_intro": {
        "kk": "Орталықтар құқықтық, психологиялық және әлеуметтік кеңес береді. "
        "Некеге тұруға өтініш берген азаматтар мұнда тегін кеңес пен оқыту ала "
        "алады. Қазақстанда 131 Отбасын қолдау орталығы бар; бұл тізімде әзірге "
        "деректері енгізілген орталықтар ғана көрсетілген. Өңіріңізді таңдаңыз "
        "немесе қаланың атын жазыңыз.",
        "ru": "Центры дают правовые, психологические и социальные консультации. "
        "Граждане, подавшие заявление на вступление в брак, могут получить здесь "
        "бесплатную консультацию и обучение. В Казахстане 131 центр поддержки "
        "семьи; в этом списке пока только те, чьи данные уже внесены. Выберите "
        "регион или введите название города.",
        "en": "The centres give legal, psychological and social counselling. Citizens "
        "who have applied for marriage can get free counselling and training there. "
        "Kazakhstan has 131 family support centres; this list shows only those "
        "whose details have been added so far. Choose your region or type the name "
        "of a city.",
    },
}
# The centres' introduction before it said that the list is not all of them.
FORMER_HELP = {
    "centres_intro_kk": "Орталықтар құқықтық, психологиялық және әлеуметтік кеңес "
    "береді. Некеге тұруға өтініш берген азаматтар мұнда тегін кеңес пен оқыту ала "
    "алады. Өңіріңізді таңдаңыз немесе қаланың атын жазыңыз.",
    "centres_intro_ru": "Центры дают правовые, психологические и социальные "
    "консультации. Граждане, подавшие заявление на вступление в брак, могут "
    "получить здесь бесплатную консультацию и обучение. Выберите регион или "
    "введите название города.",
    "centres_intro_en": "The centres give legal, psychological and social "
    "counselling. Citizens who have applied for marriage can get free counselling "
    "and training there. Choose your region or type the name of a city.",
}

# What the source articles say every family support centre gives (seed 001): the
# demo says no more of any one centre. Which centre also offers what (a shelter,
# mediation, the parents' academy's classes) is for an editor to fill in.
SERVICES = {
    "kk": "Некеге тұруға өтініш берген азаматтарға тегін кеңес беру және оқыту\n"
    "Құқықтық, психологиялық және әлеуметтік кеңес",
    "ru": "Бесплатное консультирование и обучение граждан, подавших заявление на "
    "вступление в брак\nПравовые, психологические и социальные консультации",
    "en": "Free counselling and training for citizens who have applied for "
    "marriage\nLegal, psychological and social counselling",
}
# Lines an earlier version of the demo gave some centres, which no source article
# says of them: a centre's services made only of the demo's own lines are brought
# back to SERVICES, and a line an editor wrote keeps them as they are.
FORMER_SERVICE_LINES = {
    "kk": {
        "Отбасылық медиация және татуластыру",
        "«Ата-аналар академиясы» сабақтары",
        "Қиын өмірлік жағдайдағы отбасыларға «бір терезе» қағидаты бойынша кешенді "
        "көмек",
        "Балалы әйелдерге уақытша тұру орны",
    },
    "ru": {
        "Семейная медиация и примирение",
        "Занятия «Ата-аналар академиясы» (Академия родителей)",
        "Комплексная помощь семьям в трудной жизненной ситуации по принципу "
        "«одного окна»",
        "Временное проживание для женщин с детьми",
    },
    "en": {
        "Family mediation and reconciliation",
        "Classes of «Ата-аналар академиясы» (the parents' academy)",
        "One-window help for families in a difficult life situation",
        "Temporary accommodation for women with children",
    },
}

# The source articles give no centre's address, telephone or hours, and the demo
# makes none up: a number dialled from the help page must be a real one. Each
# centre says so until an editor gives its own.
ADDRESS = {
    "kk": "Мекенжайы әлі көрсетілмеген",
    "ru": "Адрес пока не указан",
    "en": "Address not given yet",
}
# What an earlier version gave as the address: it did not say that 111 tells
# anyone a centre's address, and neither do the source articles.
FORMER_ADDRESS = {
    "kk": "Мекенжайын 111 байланыс орталығынан біліңіз",
    "ru": "Адрес подскажут в контакт-центре 111",
    "en": "Ask the 111 contact centre for the address",
}
# What earlier versions of the demo gave its centres, which an editor never
# wrote: a centre with one of these telephones is the demo's own, and loses the
# made-up address, telephone and hours.
FORMER_CENTRE_PHONES = {
    "+7 7172 00 01 50",
    "+7 727 000 01 11",
    "+7 7252 00 01 11",
    "+7 7212 00 01 11",
    "+7 7213 00 01 11",
    "+7 7132 00 01 11",
    "+7 7182 00 01 11",
    "+7 7292 00 01 11",
    "+7 72533 0 01 11",
    "+7 7232 00 01 11",
    "+7 7142 00 01 11",
    "+7 72772 0 01 11",
}

# Demo text that an earlier version loaded and this one words differently: a
# field still holding it is brought up to date; anything an editor wrote is kept.
FORMER_HOME = {
    # Every other English title ends in "— Happy family" (templates/base.html).
    "title_en": "Bakytty Otbasy — Happy Family",
}

# (region, name, city).
CENTRES = [
    (
        Region.ASTANA,
        {
            "kk": "Астана қаласының Отбасын қолдау орталығы",
            "ru": "Центр поддержки семьи города Астаны",
            "en": "Astana Family Support Centre",
        },
        {"kk": "Астана", "ru": "Астана", "en": "Astana"},
    ),
    (
        Region.ALMATY_CITY,
        {
            "kk": "Алматы қаласының Отбасын қолдау орталығы",
            "ru": "Центр поддержки семьи города Алматы",
            "en": "Almaty Family Support Centre",
        },
        {"kk": "Алматы", "ru": "Алматы", "en": "Almaty"},
    ),
    (
        Region.SHYMKENT,
        {
            "kk": "Шымкент қаласының Отбасын қолдау орталығы",
            "ru": "Центр поддержки семьи города Шымкента",
            "en": "Shymkent Family Support Centre",
        },
        {"kk": "Шымкент", "ru": "Шымкент", "en": "Shymkent"},
    ),
    (
        Region.KARAGANDA,
        {
            "kk": "Қарағанды облыстық Отбасын қолдау орталығы",
            "ru": "Карагандинский областной центр поддержки семьи",
            "en": "Karaganda Regional Family Support Centre",
        },
        {"kk": "Қарағанды", "ru": "Караганда", "en": "Karaganda"},
    ),
    (
        Region.KARAGANDA,
        {
            "kk": "Теміртау қаласының Отбасын қолдау орталығы",
            "ru": "Центр поддержки семьи города Темиртау",
            "en": "Temirtau Family Support Centre",
        },
        {"kk": "Теміртау", "ru": "Темиртау", "en": "Temirtau"},
    ),
    (
        Region.AKTOBE,
        {
            "kk": "Ақтөбе облыстық Отбасын қолдау орталығы",
            "ru": "Актюбинский областной центр поддержки семьи",
            "en": "Aktobe Regional Family Support Centre",
        },
        {"kk": "Ақтөбе", "ru": "Актобе", "en": "Aktobe"},
    ),
    (
        Region.PAVLODAR,
        {
            "kk": "Павлодар облыстық Отбасын қолдау орталығы",
            "ru": "Павлодарский областной центр поддержки семьи",
            "en": "Pavlodar Regional Family Support Centre",
        },
        {"kk": "Павлодар", "ru": "Павлодар", "en": "Pavlodar"},
    ),
    (
        Region.MANGYSTAU,
        {
            "kk": "Маңғыстау облыстық Отбасын қолдау орталығы",
            "ru": "Мангистауский областной центр поддержки семьи",
            "en": "Mangystau Regional Family Support Centre",
        },
        {"kk": "Ақтау", "ru": "Актау", "en": "Aktau"},
    ),
    (
        Region.TURKISTAN,
        {
            "kk": "Түркістан облыстық Отбасын қолдау орталығы",
            "ru": "Туркестанский областной центр поддержки семьи",
            "en": "Turkistan Regional Family Support Centre",
        },
        {"kk": "Түркістан", "ru": "Туркестан", "en": "Turkistan"},
    ),
    (
        Region.EAST_KAZAKHSTAN,
        {
            "kk": "Шығыс Қазақстан облыстық Отбасын қолдау орталығы",
            "ru": "Восточно-Казахстанский областной центр поддержки семьи",
            "en": "East Kazakhstan Regional Family Support Centre",
        },
        {"kk": "Өскемен", "ru": "Усть-Каменогорск", "en": "Oskemen"},
    ),
    (
        Region.KOSTANAY,
        {
            "kk": "Қостанай облыстық Отбасын қолдау орталығы",
            "ru": "Костанайский областной центр поддержки семьи",
            "en": "Kostanay Regional Family Support Centre",
        },
        {"kk": "Қостанай", "ru": "Костанай", "en": "Kostanay"},
    ),
    (
        Region.ALMATY,
        {
            "kk": "Алматы облыстық Отбасын қолдау орталығы",
            "ru": "Алматинский областной центр поддержки семьи",
            "en": "Almaty Regional Family Support Centre",
        },
        {"kk": "Қонаев", "ru": "Конаев", "en": "Konaev"},
    ),
]

STANDARD_PAGES = [
    {
        "title": {
            "kk": "Бағдарлама туралы",
            "ru": "О программе",
            "en": "About the programme",
        },
        "slug": {"kk": "bagdarlama-turaly", "ru": "o-programme", "en": "about"},
        "intro": {
            "kk": "«Бақытты отбасы» — некеге дейінгі міндетті нұсқаулық, жұптарға "
            "арналған академия және «Ата-аналар академиясы» бір жерде.",
            "ru": "«Бақытты отбасы» — обязательное руководство перед вступлением в "
            "брак, академия для пар и «Ата-аналар академиясы» в одном месте.",
            "en": "Bakytty Otbasy brings together the mandatory pre-marriage guide, "
            "the couples' academy and «Ата-аналар академиясы», the parents' academy.",
        },
        "body": {
            "kk": "<p>«Бақытты қазақстандық отбасы» интерактивті нұсқаулығы "
            "«Электрондық үкімет» жүйесінде тақырыптық бейнеролик түрінде орналасады "
            "және некені онлайн тіркеуге өтініш берген азаматтар үшін міндетті "
            "нұсқаулық болып табылады.</p>"
            "<p>Отбасын қолдау орталықтары некеге тұруға өтініш берген азаматтарға "
            "арнайы әдістеме бойынша тегін кеңес беру мен оқытуды бастады. Некеге "
            "дейінгі кеңес беру пилоттық жобасы барлық өңірде кеңінен енгізілмек.</p>"
            "<p>«Ата-аналар академиясы» және «Saulyq Life» жобалары жауапты ата-ана "
            "мәдениеті мен салауатты өмір салтын қалыптастыруға ықпал етеді.</p>",
            "ru": "<p>Интерактивное руководство «Бақытты қазақстандық отбасы» "
            "размещается в системе «Электронное правительство» в виде тематического "
            "видеоролика и обязательно для граждан, подавших заявление на "
            "онлайн-регистрацию брака.</p>"
            "<p>Центры поддержки семьи начали бесплатно консультировать и обучать "
            "граждан, подавших заявление на вступление в брак, по специальной "
            "методике. Пилотный проект добрачного консультирования планируется "
            "внедрить во всех регионах.</p>"
            "<p>Проекты «Ата-аналар академиясы» и «Saulyq Life» помогают формировать "
            "культуру ответственного родительства и здоровый образ жизни.</p>",
            "en": "<p>The interactive guide «Бақытты қазақстандық отбасы» is published "
            "on the e-Government system as a thematic video and is mandatory for "
            "citizens who apply for online marriage registration.</p>"
            "<p>Family support centres have started free counselling and training, "
            "following a dedicated method, for citizens who have applied for "
            "marriage. The pre-marriage counselling pilot is planned to be rolled out "
            "in every region.</p>"
            "<p>The «Ата-аналар академиясы» (parents' academy) and «Saulyq Life» "
            "projects help build a culture of responsible parenthood and a healthy "
            "way of life.</p>",
        },
    },
    {
        "title": {
            "kk": "Дербес деректер",
            "ru": "Персональные данные",
            "en": "Personal data",
        },
        "slug": {"kk": "derbes-derekter", "ru": "personalnye-dannye", "en": "privacy"},
        "intro": {
            "kk": "ЖСН мен оқу нәтижелерін қалай сақтаймыз және кімге көрсетеміз.",
            "ru": "Как мы храним ИИН и результаты обучения и кому их показываем.",
            "en": "How we keep your IIN and learning results, and who sees them.",
        },
        "body": {
            "kk": "<p>Тіркелу кезінде дербес деректерді өңдеуге келісім сұраймыз және "
            "оның уақытын сақтаймыз.</p>"
            "<p>ЖСН сертификатты неке тіркеу қызметімен салыстыру үшін ғана қажет. "
            "Іздеу үшін ол кілтпен хэштеліп сақталады, ал экранда жасырылып "
            "көрсетіледі.</p>"
            "<p>Өңіріңізді «Менің оқуым» бетінде көрсетуге болады (міндетті емес): "
            "ол тек өңірлер бойынша жалпы статистика үшін қолданылады.</p>"
            "<p>Неке тіркеу қызметі тек жарамды сертификаттың бар-жоғын біледі; "
            "әрбір сұрау журналға жазылады.</p>"
            "<p>«Менің оқуым» бетінде біз сіз туралы сақтайтын деректердің көшірмесін "
            "жүктеп алуға болады.</p>"
            "<p>Келісіміңізді кез келген уақытта кері қайтарып ала аласыз: «Менің "
            "оқуым» бетінде «Тіркелгімді жабу» батырмасын басыңыз. Аты-жөніңіз, "
            "электрондық поштаңыз бен ЖСН-іңіз өшіріледі, сертификаттарыңыздың күші "
            "жойылады, ал оқу жазбалары сізді анықтайтын деректерсіз тек статистика "
            "үшін қалады.</p>",
            "ru": "<p>При регистрации мы просим согласие на обработку персональных "
            "данных и сохраняем время, когда оно дано.</p>"
            "<p>ИИН нужен только для того, чтобы служба регистрации брака могла "
            "сверить сертификат. Для поиска он хранится в виде хэша с ключом, а на "
            "экране показывается скрытым.</p>"
            "<p>Свой регион можно указать на странице «Моё обучение» (по желанию): "
            "он используется только для обезличенной статистики по регионам.</p>"
            "<p>Служба регистрации брака узнаёт только, есть ли действительный "
            "сертификат; каждый запрос записывается в журнал.</p>"
            "<p>На странице «Моё обучение» можно скачать копию данных, которые мы о "
            "вас храним.</p>"
            "<p>Согласие можно отозвать в любой момент: на странице «Моё обучение» "
            "выберите «Закрыть учётную запись». Ваши имя, электронная почта и ИИН "
            "удаляются, сертификаты отзываются, а записи об обучении остаются без "
            "данных, по которым вас можно узнать, только для статистики.</p>",
            "en": "<p>When you sign up we ask for your consent to the processing of "
            "personal data and record when you gave it.</p>"
            "<p>Your IIN is needed only so that the marriage registration service can "
            "match your certificate. For look-ups it is kept as a keyed hash, and on "
            "screen it is shown masked.</p>"
            "<p>You may give your region on the “My learning” page (optional); it is "
            "used only for anonymous statistics by region.</p>"
            "<p>The marriage registration service learns only whether a valid "
            "certificate exists; every request is logged.</p>"
            "<p>On the “My learning” page you can download a copy of the data we keep "
            "about you.</p>"
            "<p>You may withdraw your consent at any time: choose “Close my account” "
            "on the “My learning” page. Your name, e-mail address and IIN are "
            "erased, your certificates are revoked, and the learning record stays "
            "only for statistics, without anything that identifies you.</p>",
        },
    },
]


def _localized(values: dict[str, dict[str, str]]) -> dict[str, str]:
    """{"title": {"kk": …}} → {"title_kk": …, "title_ru": …, "title_en": …}."""
    return {
        f"{field}_{code}": text
        for field, texts in values.items()
        for code, text in texts.items()
    }


def _fill_blanks(obj: Any, values: dict[str, Any]) -> bool:
    """Set the fields that are empty; keep what editors wrote. True if any changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) in (None, ""):
            setattr(obj, name, value)
            changed = True
    return changed


def _publish_page(
    parent: Page,
    page: Page | None,
    model,
    values: dict,
    *,
    former: dict[str, str] | None = None,
    **extra: Any,
) -> Page:
    """Create the page under parent, or fill its blanks and replace the former
    demo text it still holds (``former``); publish when changed."""
    fields = _localized(values)
    if page is None:
        page = model(
            title=values["title"]["kk"], slug=values["slug"]["kk"], **fields, **extra
        )
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page
    changed = _fill_blanks(page, fields)
    for name, text in (former or {}).items():
        if getattr(page, name) == text:
            setattr(page, name, fields[name])
            changed = True
    if changed:
        page.save_revision().publish()
    return page


def _home_page() -> HomePage:
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    home = _publish_page(root, home, HomePage, HOME, former=FORMER_HOME)

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Бақытты отбасы",
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = site.site_name or "Бақытты отбасы"
        site.save()

    # Wagtail's "Welcome to your new Wagtail site!" page: a plain Page under the
    # root with nothing below it and no site of its own.
    plain_page = ContentType.objects.get_for_model(Page)
    for welcome in Page.objects.filter(
        depth=2, content_type=plain_page, numchild=0
    ).exclude(sites_rooted_here__isnull=False):
        welcome.delete()
    return home


def _helplines() -> None:
    helplines = HelplineSettings.load()
    if _fill_blanks(helplines, _localized(HELPLINES)):
        helplines.save()


def _help_page(home: HomePage) -> HelpPage:
    page = HelpPage.objects.child_of(home).first()
    return _publish_page(home, page, HelpPage, HELP, former=FORMER_HELP)


def _centres() -> int:
    created = 0
    for region, name, city in CENTRES:
        values = {"name": name, "city": city, "address": ADDRESS, "services": SERVICES}
        fields = _localized(values)
        centre = FamilySupportCentre.objects.filter(
            region=region, name_kk=name["kk"]
        ).first()
        if centre is None:
            FamilySupportCentre.objects.create(region=region, name=name["kk"], **fields)
            created += 1
            continue
        changed = False
        if centre.phone in FORMER_CENTRE_PHONES:
            centre.phone = ""
            for code in LANGUAGES:
                setattr(centre, f"opening_hours_{code}", "")
                setattr(centre, f"address_{code}", ADDRESS[code])
            changed = True
        for code in LANGUAGES:
            if getattr(centre, f"address_{code}") == FORMER_ADDRESS[code]:
                setattr(centre, f"address_{code}", ADDRESS[code])
                changed = True
            lines = set(getattr(centre, f"services_{code}").splitlines())
            ours = FORMER_SERVICE_LINES[code] | set(SERVICES[code].splitlines())
            if lines & FORMER_SERVICE_LINES[code] and lines <= ours:
                setattr(centre, f"services_{code}", SERVICES[code])
                changed = True
        if _fill_blanks(centre, fields) or changed:
            centre.save()
    return created


def _standard_pages(home: HomePage) -> None:
    for values in STANDARD_PAGES:
        page = StandardPage.objects.child_of(home).filter(slug_kk=values["slug"]["kk"])
        # A text page's lead paragraph says what it is about.
        values = {**values, "search_description": values["intro"]}
        _publish_page(home, page.first(), StandardPage, values, show_in_menus=True)


def _courses(home: HomePage, stdout: TextIO | None) -> None:
    """The course index and courses, built by the courses app when it has them."""
    try:
        from courses import demo as courses_demo
    except ImportError:
        return
    load = getattr(courses_demo, "load", None)
    if callable(load):
        load(home, stdout)


def load(stdout: TextIO | None = None) -> HomePage:
    """Build (or complete) the demo site; return the home page."""
    with translation.override("kk"), transaction.atomic():
        home = _home_page()
        _helplines()
        _help_page(home)
        created = _centres()
        _standard_pages(home)
        _courses(home, stdout)
    if stdout is not None:
        stdout.write(
            f"Home page, help page and {FamilySupportCentre.objects.count()} family "
            f"support centres ready ({created} new).\n"
        )
    return home
