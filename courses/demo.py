"""Demo courses in kk, ru and en: the mandatory guide «Бақытты қазақстандық отбасы»
with three short video lessons (local clips from ``courses/demo_media`` with
captions) and a quiz, the couples' academy and the parents' academy. The text
retells the source articles; no figure here is made up.

Loading is idempotent: existing pages, videos and captions are kept as they are
(only empty search descriptions are filled in), so running it twice changes
nothing. The course index gets a moderation workflow:
course editors write courses, lessons and videos and submit them; course moderators
approve and publish.
"""

from pathlib import Path
from typing import TextIO

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db import transaction

from wagtail.models import (
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from courses.models import (
    CourseIndexPage,
    CourseKind,
    CoursePage,
    CourseReviewTask,
    LessonPage,
    Video,
    VideoCaption,
    VideoStatus,
)

MEDIA = Path(__file__).resolve().parent / "demo_media"
LANGUAGES = ("kk", "ru", "en")
WORKFLOW_NAME = "Course review"
MODERATORS = "Course moderators"
EDITORS = "Course editors"
# What course editors may do outside the page tree: keep the video library (captions
# are part of a video) and add and choose the images and documents a course shows.
EDITOR_PERMISSIONS = {
    "wagtailadmin": ["access_admin"],
    "courses": ["add_video", "change_video", "delete_video", "view_video"],
    "wagtailimages": ["add_image", "choose_image"],
    "wagtaildocs": ["add_document", "choose_document"],
    # Editors see the results of what they publish (PRODUCT.md, journey 6).
    "reports": ["view_report"],
}

INDEX = {
    "slug": "courses",
    "title": {"kk": "Курстар", "ru": "Курсы", "en": "Courses"},
    "intro": {
        "kk": "<p>Некеге дейінгі міндетті нұсқаулық, жұптар академиясы және "
        "«Ата-аналар академиясы».</p>",
        "ru": "<p>Обязательное руководство перед вступлением в брак, академия для "
        "пар и «Ата-аналар академиясы» (академия родителей).</p>",
        "en": "<p>The mandatory pre-marriage guide, the couples' academy and "
        "«Ата-аналар академиясы», the parents' academy.</p>",
    },
    "search_description": {
        "kk": "Некеге дейінгі міндетті нұсқаулық, жұптар академиясы және «Ата-аналар "
        "академиясы»: өз қарқыныңызбен өтетін курстар; әр курсты аяқтағанда "
        "сертификат беріледі.",
        "ru": "Обязательное руководство перед вступлением в брак, академия для пар и "
        "«Ата-аналар академиясы» (академия родителей): курсы в своём темпе; по "
        "каждому курсу выдаётся сертификат.",
        "en": "The mandatory pre-marriage guide, the couples' academy and «Ата-аналар "
        "академиясы», the parents' academy: courses at your own pace, with a "
        "certificate for each course.",
    },
}

# (start, end) of the three cues of each 12-second clip.
CUES = [
    ("00:00.000", "00:04.000"),
    ("00:04.000", "00:08.000"),
    ("00:08.000", "00:12.000"),
]

VIDEOS = [
    {
        "file": "guide-1.mp4",
        "duration": 12.0,
        "title": {
            "kk": "Нұсқаулық туралы",
            "ru": "О руководстве",
            "en": "About the guide",
        },
        "captions": {
            "kk": [
                "«Бақытты қазақстандық отбасы» интерактивті құралы әзірленді.",
                "Ол ерлі-зайыптылардың отбасылық оң дәстүрлер мен рухани-адамгершілік "
                "құндылықтар туралы хабардарлығын арттыруға бағытталған.",
                "Нұсқаулық некені онлайн тіркеуге өтініш берген азаматтар үшін "
                "міндетті.",
            ],
            "ru": [
                "Разработано интерактивное руководство «Бақытты қазақстандық отбасы».",
                "Оно рассказывает супругам о позитивных семейных традициях и "
                "духовно-нравственных ценностях.",
                "Руководство обязательно для граждан, подавших заявление на "
                "онлайн-регистрацию брака.",
            ],
            "en": [
                "The interactive guide «Бақытты қазақстандық отбасы» "
                "(Happy Kazakhstani Family) has been developed.",
                "It tells couples about positive family traditions and spiritual and "
                "moral values.",
                "The guide is mandatory for citizens who apply for online marriage "
                "registration.",
            ],
        },
    },
    {
        "file": "guide-2.mp4",
        "duration": 12.0,
        "title": {
            "kk": "Отбасын қолдау орталықтары",
            "ru": "Центры поддержки семьи",
            "en": "Family support centres",
        },
        "captions": {
            "kk": [
                "Отбасын қолдау орталықтарының желісі 33-тен 131-ге дейін көбейді.",
                "Орталықтар құқықтық, психологиялық және әлеуметтік кеңес береді.",
                "Некеге тұруға өтініш берген азаматтарға кеңес беру мен оқыту тегін.",
            ],
            "ru": [
                "Сеть центров поддержки семьи выросла с 33 до 131.",
                "Центры дают юридические, психологические и социальные консультации.",
                "Гражданам, подавшим заявление на брак, консультации и обучение "
                "предоставляются бесплатно.",
            ],
            "en": [
                "The network of family support centres has grown from 33 to 131.",
                "The centres give legal, psychological and social counselling.",
                "Citizens who have applied to marry get counselling and training "
                "free of charge.",
            ],
        },
    },
    {
        "file": "guide-3.mp4",
        "duration": 12.0,
        "title": {
            "kk": "Көмекті қайдан алуға болады",
            "ru": "Куда обратиться за помощью",
            "en": "Where to get help",
        },
        "captions": {
            "kk": [
                "150 — тұрмыстық зорлық-зомбылық құрбандарына арналған жедел желі.",
                "Оған еліміздің кез келген нүктесінен тәулік бойы, тегін және жасырын "
                "қоңырау шалуға болады.",
                "111 — отбасы, әйелдер және балалар құқықтарын қорғау мәселелері "
                "бойынша бірыңғай байланыс орталығы.",
            ],
            "ru": [
                "150 — телефон доверия для пострадавших от бытового насилия.",
                "Звонить можно из любой точки страны круглосуточно, бесплатно и "
                "анонимно.",
                "111 — единый контакт-центр по вопросам защиты прав семьи, женщин и "
                "детей.",
            ],
            "en": [
                "150 is the helpline for victims of domestic violence.",
                "You can call it from anywhere in the country, 24/7, free and "
                "anonymously.",
                "111 is the single contact centre for the protection of family, "
                "women's and children's rights.",
            ],
        },
    },
]

QUIZ = {
    "kk": {
        "heading": "Өзіңізді тексеріңіз",
        "questions": [
            (
                "«Бақытты қазақстандық отбасы» нұсқаулығы кім үшін міндетті?",
                [
                    "Некені онлайн тіркеуге өтініш берген азаматтар үшін",
                    "Тек мектеп оқушылары үшін",
                    "Тек мемлекеттік қызметшілер үшін",
                ],
            ),
            (
                "Тұрмыстық зорлық-зомбылық құрбандарына арналған тәулік бойғы, тегін "
                "және жасырын жедел желінің нөмірі қандай?",
                ["150", "Мұндай желі жоқ"],
            ),
            (
                "Некеге тұруға өтініш берген азаматтар үшін Отбасын қолдау "
                "орталығындағы кеңес қанша тұрады?",
                ["Тегін", "Ақылы, сағатына төленеді"],
            ),
        ],
    },
    "ru": {
        "heading": "Проверьте себя",
        "questions": [
            (
                "Для кого обязательно руководство «Бақытты қазақстандық отбасы»?",
                [
                    "Для граждан, подавших заявление на онлайн-регистрацию брака",
                    "Только для школьников",
                    "Только для госслужащих",
                ],
            ),
            (
                "Какой номер у круглосуточного, бесплатного и анонимного телефона "
                "доверия для пострадавших от бытового насилия?",
                ["150", "Такой линии нет"],
            ),
            (
                "Сколько стоит консультация в центре поддержки семьи для граждан, "
                "подавших заявление на брак?",
                ["Бесплатно", "Платно, почасовая оплата"],
            ),
        ],
    },
    "en": {
        "heading": "Check yourself",
        "questions": [
            (
                "For whom is the guide «Бақытты қазақстандық отбасы» mandatory?",
                [
                    "Citizens who apply for online marriage registration",
                    "Only school pupils",
                    "Only civil servants",
                ],
            ),
            (
                "What is the number of the 24/7, free and anonymous helpline for "
                "victims of domestic violence?",
                ["150", "There is no such helpline"],
            ),
            (
                "What does counselling at a family support centre cost citizens who "
                "have applied to marry?",
                ["Nothing, it is free", "It is paid by the hour"],
            ),
        ],
    },
}

HELPLINE_TEXT = {
    "kk": "Қиын жағдайға тап болсаңыз, 150 және 111 нөмірлеріне қоңырау шалыңыз.",
    "ru": "Если вы оказались в трудной ситуации, звоните 150 и 111.",
    "en": "If you are in a difficult situation, call 150 or 111.",
}


PARENTS_QUIZ = {
    "kk": {
        "heading": "Өзіңізді тексеріңіз",
        "questions": [
            (
                "Отбасын қолдау орталықтары қандай кеңес береді?",
                ["Құқықтық, психологиялық және әлеуметтік", "Тек медициналық"],
            ),
        ],
    },
    "ru": {
        "heading": "Проверьте себя",
        "questions": [
            (
                "Какие консультации дают центры поддержки семьи?",
                ["Юридические, психологические и социальные", "Только медицинские"],
            ),
        ],
    },
    "en": {
        "heading": "Check yourself",
        "questions": [
            (
                "What counselling do the family support centres give?",
                ["Legal, psychological and social", "Only medical"],
            ),
        ],
    },
}

COUPLES_QUIZ = {
    "kk": {
        "heading": "Өзіңізді тексеріңіз",
        "questions": [
            (
                "Отбасын қолдау орталықтарындағы некеге дейінгі кеңес беру ақылы ма?",
                ["Жоқ, тегін", "Иә, ақылы"],
            ),
            (
                "«Бақытты отбасы» жобасында 2024 жылы істердің қанша бөлігі "
                "татуласумен аяқталды?",
                ["37,5%", "Бірде-бірі"],
            ),
        ],
    },
    "ru": {
        "heading": "Проверьте себя",
        "questions": [
            (
                "Платное ли добрачное консультирование в центрах поддержки семьи?",
                ["Нет, бесплатное", "Да, платное"],
            ),
            (
                "Какая доля дел проекта «Бақытты отбасы» в 2024 году завершилась "
                "примирением?",
                ["37,5%", "Ни одного"],
            ),
        ],
    },
    "en": {
        "heading": "Check yourself",
        "questions": [
            (
                "Is pre-marriage counselling at the family support centres paid for?",
                ["No, it is free", "Yes, it is paid for"],
            ),
            (
                "In the «Бақытты отбасы» project, what share of cases ended in "
                "reconciliation in 2024?",
                ["37.5%", "None"],
            ),
        ],
    },
}

GUIDE = {
    "slug": "bakytty-kazakstandyk-otbasy",
    "kind": CourseKind.GUIDE,
    "estimated_minutes": 5,
    "title": {
        "kk": "Бақытты қазақстандық отбасы",
        "ru": "Бақытты қазақстандық отбасы (Счастливая казахстанская семья)",
        "en": "Бақытты қазақстандық отбасы (Happy Kazakhstani Family)",
    },
    "summary": {
        "kk": "Некені онлайн тіркеуге өтініш берген азаматтар үшін міндетті "
        "интерактивті нұсқаулық: отбасылық құндылықтар, Отбасын қолдау орталықтары "
        "және көмекті қайдан алуға болатыны.",
        "ru": "Интерактивное руководство, обязательное для граждан, подавших "
        "заявление на онлайн-регистрацию брака: семейные ценности, центры поддержки "
        "семьи и куда обратиться за помощью.",
        "en": "The interactive guide that is mandatory for citizens applying for "
        "online marriage registration: family values, family support centres and "
        "where to get help.",
    },
    "search_description": {
        "kk": "Некені онлайн тіркеуге өтініш берген азаматтар үшін міндетті "
        "интерактивті нұсқаулық: отбасылық құндылықтар, Отбасын қолдау орталықтары "
        "және көмекті қайдан алуға болатыны. Соңында неке тіркеу қызметі тексере "
        "алатын сертификат беріледі.",
        "ru": "Интерактивное руководство, обязательное для граждан, подавших "
        "заявление на онлайн-регистрацию брака: семейные ценности, центры поддержки "
        "семьи и куда обратиться за помощью. В конце — сертификат, который проверит "
        "служба регистрации брака.",
        "en": "The interactive guide that is mandatory for citizens applying for "
        "online marriage registration: family values, family support centres and "
        "where to get help. It ends with a certificate that the marriage "
        "registration service can check.",
    },
    "audience": {
        "kk": "Некені онлайн тіркеуге өтініш берген азаматтар",
        "ru": "Граждане, подавшие заявление на онлайн-регистрацию брака",
        "en": "Citizens applying for online marriage registration",
    },
    "lessons": [
        {
            "slug": "nuskaulyk-turaly",
            "video": 0,
            "title": VIDEOS[0]["title"],
            "summary": {
                "kk": "Нұсқаулық не үшін жасалды және кім үшін міндетті.",
                "ru": "Зачем создано руководство и для кого оно обязательно.",
                "en": "Why the guide was made and who must take it.",
            },
            "text": {
                "kk": "<p>«Бақытты қазақстандық отбасы» интерактивті нұсқаулығы "
                "«Электрондық үкімет» жүйесінде тақырыптық бейнеролик түрінде "
                "орналастырылады және некені онлайн тіркеуге өтініш берген азаматтар "
                "үшін міндетті нұсқаулық болады.</p>",
                "ru": "<p>Интерактивное руководство «Бақытты қазақстандық отбасы» "
                "размещается в системе «Электронного правительства» в виде "
                "тематического видеоролика и становится обязательным для граждан, "
                "подавших заявление на онлайн-регистрацию брака.</p>",
                "en": "<p>The interactive guide «Бақытты қазақстандық отбасы» is "
                "published on the e-Government system as a thematic video and is "
                "mandatory for citizens who apply for online marriage "
                "registration.</p>",
            },
        },
        {
            "slug": "otbasyn-koldau-ortalyktary",
            "video": 1,
            "title": VIDEOS[1]["title"],
            "summary": {
                "kk": "Орталықтар қандай көмек береді.",
                "ru": "Какую помощь дают центры.",
                "en": "What help the centres give.",
            },
            "text": {
                "kk": "<p>Бір жыл ішінде Отбасын қолдау орталықтарына 45 мыңнан астам "
                "қазақстандық жүгініп, құқықтық, психологиялық және әлеуметтік кеңес "
                "алды. Өңірлерде 300-ден астам жұп оқу бағдарламасын сәтті "
                "аяқтады.</p>",
                "ru": "<p>За год в центры поддержки семьи обратились более 45 тысяч "
                "казахстанцев и получили юридические, психологические и социальные "
                "консультации. В регионах более 300 пар успешно прошли программу "
                "обучения.</p>",
                "en": "<p>In one year more than 45,000 people in Kazakhstan turned to "
                "the family support centres for legal, psychological and social "
                "counselling. In the regions more than 300 couples have completed the "
                "training programme.</p>",
            },
        },
        {
            "slug": "komekti-kaidan-aluga-bolady",
            "video": 2,
            "quiz": QUIZ,
            "title": VIDEOS[2]["title"],
            "summary": {
                "kk": "150 және 111 жедел желілері, содан кейін қысқа тест.",
                "ru": "Телефоны 150 и 111, затем короткий тест.",
                "en": "Helplines 150 and 111, then a short quiz.",
            },
            "text": {
                "kk": "<p>16 қазаннан бастап отбасы, әйелдер және балалардың "
                "құқықтарын қорғау мәселелері бойынша 111 бірыңғай мемлекеттік "
                "байланыс орталығы жұмыс істейді: зардап шеккендерге жедел түрде "
                "құқықтық, психологиялық және консультациялық көмек көрсетіледі.</p>",
                "ru": "<p>С 16 октября работает единый государственный контакт-центр "
                "111 по вопросам защиты прав семьи, женщин и детей: пострадавшим "
                "оперативно оказывают правовую, психологическую и консультационную "
                "помощь.</p>",
                "en": "<p>Since 16 October the single state contact centre 111 for the "
                "protection of family, women's and children's rights has been "
                "working: people who have suffered get prompt legal, psychological and "
                "advisory help.</p>",
            },
        },
    ],
}

COUPLES = {
    "slug": "zhuptar-akademiyasy",
    "kind": CourseKind.COUPLES,
    "estimated_minutes": 10,
    "title": {
        "kk": "Жұптар академиясы",
        "ru": "Академия для пар",
        "en": "Couples' academy",
    },
    "summary": {
        "kk": "Некеге дейінгі кеңес беру және отбасындағы келісім туралы.",
        "ru": "О добрачном консультировании и согласии в семье.",
        "en": "About pre-marriage counselling and harmony in the family.",
    },
    "search_description": {
        "kk": "Жұптар академиясы: некеге дейінгі кеңес беру және отбасындағы келісім "
        "туралы. Некеге тұруды жоспарлаған және жас жұптарға арналған курс; "
        "аяқтағанда сертификат беріледі.",
        "ru": "Академия для пар: о добрачном консультировании и согласии в семье. "
        "Курс для пар, которые собираются пожениться, и молодых семей; по окончании "
        "выдаётся сертификат.",
        "en": "The couples' academy: pre-marriage counselling and harmony in the "
        "family. A course for couples planning to marry and young families, with a "
        "certificate at the end.",
    },
    "audience": {
        "kk": "Некеге тұруды жоспарлаған және жас жұптар",
        "ru": "Пары, которые собираются пожениться, и молодые семьи",
        "en": "Couples planning to marry and young families",
    },
    "lessons": [
        {
            "slug": "nekege-deiingi-kenes",
            "title": {
                "kk": "Некеге дейінгі кеңес",
                "ru": "Добрачное консультирование",
                "en": "Pre-marriage counselling",
            },
            "summary": {
                "kk": "Отбасын қолдау орталықтарындағы тегін оқыту.",
                "ru": "Бесплатное обучение в центрах поддержки семьи.",
                "en": "Free training at the family support centres.",
            },
            "text": {
                "kk": "<p>Отбасын қолдау орталықтары арнайы әдістеме бойынша некеге "
                "тұруға өтініш берген азаматтарға тегін кеңес беру мен оқытуды "
                "бастады. Некеге дейінгі кеңес беру пилоттық жобасы оң нәтиже беріп, "
                "барлық өңірде кеңінен енгізу жоспарланған.</p>",
                "ru": "<p>Центры поддержки семьи начали по специальной методике "
                "бесплатно консультировать и обучать граждан, подавших заявление на "
                "брак. Пилотный проект добрачного консультирования дал положительный "
                "результат, его планируют широко внедрить во всех регионах.</p>",
                "en": "<p>Using a special method, the family support centres have "
                "started free counselling and training for citizens who have applied "
                "to marry. The pre-marriage counselling pilot gave positive results "
                "and is to be rolled out in every region.</p>",
            },
            "points": {
                "kk": [
                    "Кеңес беру мен оқыту тегін.",
                    "Өңірлерде 300-ден астам жұп оқу бағдарламасын аяқтады.",
                ],
                "ru": [
                    "Консультации и обучение бесплатны.",
                    "В регионах более 300 пар прошли программу обучения.",
                ],
                "en": [
                    "Counselling and training are free.",
                    "More than 300 couples in the regions have completed the "
                    "programme.",
                ],
            },
        },
        {
            "slug": "tatulasu-zhane-mediatsiya",
            "title": {
                "kk": "Татуласу және медиация",
                "ru": "Примирение и медиация",
                "en": "Reconciliation and mediation",
            },
            "summary": {
                "kk": "Кеңес беру мен медиация отбасын сақтауға көмектеседі.",
                "ru": "Консультирование и медиация помогают сохранить семью.",
                "en": "Counselling and mediation help keep families together.",
            },
            "text": {
                "kk": "<p>«Бақытты отбасы» жобасы ажырасқан отбасылардың қайта "
                "татуласуына ықпал етті: 2024 жылы істердің 37,5%-ы татуласумен "
                "аяқталды. Бұл кеңес беру және медиация шараларының тиімділігін "
                "дәлелдейді.</p>",
                "ru": "<p>Проект «Бақытты отбасы» способствовал примирению "
                "распавшихся семей: в 2024 году 37,5% дел завершились примирением. "
                "Это подтверждает действенность консультирования и медиации.</p>",
                "en": "<p>The «Бақытты отбасы» project contributed to the "
                "reconciliation of separated families: in 2024, 37.5% of cases ended "
                "in reconciliation. This shows that counselling and mediation "
                "work.</p>",
            },
            "helpline": True,
            "quiz": COUPLES_QUIZ,
        },
    ],
}

PARENTS = {
    "slug": "ata-analar-akademiyasy",
    "kind": CourseKind.PARENTS,
    "estimated_minutes": 10,
    "title": {
        "kk": "Ата-аналар академиясы",
        "ru": "Ата-аналар академиясы (Академия родителей)",
        "en": "Ата-аналар академиясы (Parents' academy)",
    },
    "summary": {
        "kk": "Жауапты ата-ана мәдениеті және отбасыға көмек қайдан табылатыны.",
        "ru": "Культура ответственного родительства и где семье найти помощь.",
        "en": "A culture of responsible parenthood, and where families find help.",
    },
    "search_description": {
        "kk": "«Ата-аналар академиясы»: жауапты ата-ана мәдениеті және отбасыға көмек "
        "қайдан табылатыны. Ата-аналар мен болашақ ата-аналарға арналған курс; "
        "аяқтағанда сертификат беріледі.",
        "ru": "«Ата-аналар академиясы» (Академия родителей): культура ответственного "
        "родительства и где семье найти помощь. Курс для родителей и будущих "
        "родителей; по окончании выдаётся сертификат.",
        "en": "«Ата-аналар академиясы», the parents' academy: a culture of "
        "responsible parenthood, and where families find help. A course for parents "
        "and parents-to-be, with a certificate at the end.",
    },
    "audience": {
        "kk": "Ата-аналар және болашақ ата-аналар",
        "ru": "Родители и будущие родители",
        "en": "Parents and parents-to-be",
    },
    "lessons": [
        {
            "slug": "zhauapty-ata-ana",
            "title": {
                "kk": "Жауапты ата-ана",
                "ru": "Ответственное родительство",
                "en": "Responsible parenthood",
            },
            "summary": {
                "kk": "«Ата-аналар академиясы» және «Saulyq Life» жобалары.",
                "ru": "Проекты «Ата-аналар академиясы» и «Saulyq Life».",
                "en": "The «Ата-аналар академиясы» and «Saulyq Life» projects.",
            },
            "text": {
                "kk": "<p>«Ата-аналар академиясы» және «Saulyq Life» жобалары жауапты "
                "ата-ана мәдениеті мен салауатты өмір салтын қалыптастыруға ықпал "
                "етті.</p>",
                "ru": "<p>Проекты «Ата-аналар академиясы» и «Saulyq Life» "
                "способствовали формированию культуры ответственного родительства и "
                "здорового образа жизни.</p>",
                "en": "<p>The «Ата-аналар академиясы» and «Saulyq Life» projects "
                "contributed to a culture of responsible parenthood and a healthy way "
                "of life.</p>",
            },
            "points": {
                "kk": [
                    "Отбасын қолдау орталықтары құқықтық, психологиялық және "
                    "әлеуметтік кеңес береді.",
                ],
                "ru": [
                    "Центры поддержки семьи дают юридические, психологические и "
                    "социальные консультации.",
                ],
                "en": [
                    "The family support centres give legal, psychological and social "
                    "counselling.",
                ],
            },
        },
        {
            "slug": "komek-bir-terezede",
            "title": {
                "kk": "Көмек «бір терезе» қағидатымен",
                "ru": "Помощь по принципу «одного окна»",
                "en": "Help through a single window",
            },
            "summary": {
                "kk": "Отбасына кешенді көмек қалада да, ауылда да.",
                "ru": "Комплексная помощь семье в городе и в селе.",
                "en": "All-round help for families in towns and villages.",
            },
            "text": {
                "kk": "<p>Отбасын қолдау орталықтары қиын өмірлік жағдайдағы "
                "отбасыларға, балалы әйелдерге кешенді көмекті «бір терезе» қағидаты "
                "бойынша көрсете алады. Көмек тек қалалар мен аудан орталықтарында "
                "ғана емес, шалғай ауылдарда да қолжетімді болуы керек.</p>",
                "ru": "<p>Центры поддержки семьи могут оказывать семьям и женщинам с "
                "детьми в трудной жизненной ситуации комплексную помощь по принципу "
                "«одного окна». Помощь должна доходить не только до городов и районных "
                "центров, но и до отдалённых сёл.</p>",
                "en": "<p>Family support centres can give families, and women with "
                "children in a difficult situation, all-round help through a single "
                "window. Help must reach not only towns and district centres but also "
                "remote villages.</p>",
            },
            "helpline": True,
        },
        {
            "slug": "ata-analarga-kenes",
            "video": 1,
            "title": {
                "kk": "Ата-аналарға кеңес қайдан алуға болады",
                "ru": "Где родителям получить совет",
                "en": "Where parents get advice",
            },
            "summary": {
                "kk": "Отбасын қолдау орталықтары туралы бейне және бір сұрақ.",
                "ru": "Видео о центрах поддержки семьи и один вопрос.",
                "en": "A video about the family support centres and one question.",
            },
            "text": {
                "kk": "<p>Отбасын қолдау орталықтары құқықтық, психологиялық және "
                "әлеуметтік кеңес береді: бір жыл ішінде өмірлік қиын жағдайға тап "
                "болған 45 мыңнан астам қазақстандық осында кеңес алды, 15,4 мың "
                "отбасыға кешенді көмек көрсетілді.</p>",
                "ru": "<p>Центры поддержки семьи дают правовые, психологические и "
                "социальные консультации: за год к ним обратились более 45 тысяч "
                "казахстанцев, оказавшихся в трудной жизненной ситуации, а 15,4 "
                "тысячи семей получили комплексную помощь.</p>",
                "en": "<p>Family support centres give legal, psychological and social "
                "counselling: in one year more than 45,000 people in Kazakhstan in a "
                "difficult life situation turned to them, and 15,400 families "
                "received all-round help.</p>",
            },
            "quiz": PARENTS_QUIZ,
        },
    ],
}


def _localized(field: str, texts: dict[str, str]) -> dict[str, str]:
    return {f"{field}_{code}": texts[code] for code in LANGUAGES}


def _webvtt(lines: list[str]) -> bytes:
    cues = [
        f"{start} --> {end}\n{line}"
        for (start, end), line in zip(CUES, lines, strict=True)
    ]
    return ("WEBVTT\n\n" + "\n\n".join(cues) + "\n").encode()


def _video(spec: dict) -> Video:
    video = Video.objects.filter(title_kk=spec["title"]["kk"]).first()
    if video is None:
        video = Video(
            title=spec["title"]["kk"],
            duration=spec["duration"],
            status=VideoStatus.READY,
            **_localized("title", spec["title"]),
        )
        video.file.save(
            spec["file"], ContentFile((MEDIA / spec["file"]).read_bytes()), save=False
        )
        video.save()
    have = set(video.captions.values_list("language", flat=True))
    for code in LANGUAGES:
        if code not in have:
            caption = VideoCaption(video=video, language=code)
            caption.file.save(
                f"{Path(spec['file']).stem}.{code}.vtt",
                ContentFile(_webvtt(spec["captions"][code])),
                save=False,
            )
            caption.save()
    return video


def _quiz_block(code: str, quizzes: dict) -> dict:
    quiz = quizzes[code]
    return {
        "type": "quiz",
        "value": {
            "heading": quiz["heading"],
            "pass_mark": 66,
            "questions": [
                {"text": text, "choices": _placed(choices, index)}
                for index, (text, choices) in enumerate(quiz["questions"])
            ],
        },
    }


def _placed(choices: list[str], index: int) -> list[dict]:
    """A question's choices with the right one (written first in the demo's text)
    moved to a place that changes from question to question, the same in every
    language: a learner who always ticks the first choice does not pass."""
    right, *others = choices
    ordered = [(choice, False) for choice in others]
    ordered.insert(index % len(choices), (right, True))
    return [{"text": text, "correct": correct} for text, correct in ordered]


def _body(spec: dict, code: str, videos: list[Video]) -> list[dict]:
    body = []
    if "video" in spec:
        body.append({"type": "video", "value": {"video": videos[spec["video"]].pk}})
    body.append({"type": "text", "value": spec["text"][code]})
    if "points" in spec:
        body.append(
            {
                "type": "key_points",
                "value": {"heading": "", "points": spec["points"][code]},
            }
        )
    if spec.get("helpline"):
        body.append({"type": "helpline", "value": {"text": HELPLINE_TEXT[code]}})
    if spec.get("quiz"):
        body.append(_quiz_block(code, spec["quiz"]))
    return body


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _lesson_description(course: dict, lesson: dict) -> dict[str, str]:
    """What search engines show for a lesson: its summary, then its course's."""
    return {
        code: f"{lesson['summary'][code]} {course['summary'][code]}"
        for code in LANGUAGES
    }


def _describe(page: Page, texts: dict[str, str]) -> None:
    """Give a page made by an earlier demo its empty search descriptions.

    A page with an editor's draft, or one that could not be published again as
    it is, keeps its draft: the draft gets a new revision with the descriptions
    and the live page gets them in place, so that publishing the draft later
    keeps them.
    """
    blank = {
        f"search_description_{code}": texts[code]
        for code in LANGUAGES
        if not getattr(page, f"search_description_{code}")
    }
    if not blank:
        return
    problems = page.publish_problems() if hasattr(page, "publish_problems") else []
    if not page.has_unpublished_changes and not problems:
        for name, text in blank.items():
            setattr(page, name, text)
        page.save_revision().publish()
        return
    draft = page.get_latest_revision_as_object()
    for name, text in blank.items():
        if not getattr(draft, name):
            setattr(draft, name, text)
    draft.save_revision(clean=False)
    Page.objects.filter(pk=page.pk).update(**blank)


def _course(index: CourseIndexPage, spec: dict, videos: list[Video]) -> CoursePage:
    course = CoursePage.objects.child_of(index).filter(slug=spec["slug"]).first()
    if course is None:
        course = _publish(
            index,
            CoursePage(
                title=spec["title"]["kk"],
                slug=spec["slug"],
                kind=spec["kind"],
                estimated_minutes=spec["estimated_minutes"],
                **_localized("title", spec["title"]),
                **_localized("summary", spec["summary"]),
                **_localized("audience", spec["audience"]),
                **_localized("search_description", spec["search_description"]),
                **{f"slug_{code}": spec["slug"] for code in LANGUAGES},
            ),
        )
    else:
        _describe(course, spec["search_description"])
    for lesson in spec["lessons"]:
        description = _lesson_description(spec, lesson)
        found = LessonPage.objects.child_of(course).filter(slug=lesson["slug"]).first()
        if found is not None:
            _describe(found, description)
            continue
        _publish(
            course,
            LessonPage(
                title=lesson["title"]["kk"],
                slug=lesson["slug"],
                **_localized("title", lesson["title"]),
                **_localized("summary", lesson["summary"]),
                **_localized("search_description", description),
                **{f"slug_{code}": lesson["slug"] for code in LANGUAGES},
                **{f"body_{code}": _body(lesson, code, videos) for code in LANGUAGES},
            ),
        )
    return course


def _page_permissions(group: Group, index: CourseIndexPage, codenames) -> None:
    for codename in codenames:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=index,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )


def _editors(index: CourseIndexPage) -> Group:
    """Course editors write courses, lessons and videos, and submit pages for
    review; they cannot publish."""
    editors, _created = Group.objects.get_or_create(name=EDITORS)
    _grant_editing(editors)
    _page_permissions(editors, index, ("add_page", "change_page"))
    return editors


def _grant_editing(group: Group) -> None:
    for app_label, codenames in EDITOR_PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        )


def _workflow(index: CourseIndexPage) -> Workflow:
    """Course pages go through review by the course moderators before they are
    published. Moderators keep the video library too: what keeps a guide lesson
    from approval (a video's captions) is theirs to see and mend."""
    moderators, _created = Group.objects.get_or_create(name=MODERATORS)
    _grant_editing(moderators)
    _page_permissions(moderators, index, ("add_page", "change_page", "publish_page"))
    task = CourseReviewTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = CourseReviewTask.objects.create(name=WORKFLOW_NAME)
        task.groups.set([moderators])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


def load(home_page: Page, stdout: TextIO | None = None) -> None:
    """Build (or complete) the demo courses under ``home_page``."""
    with transaction.atomic():
        index = CourseIndexPage.objects.child_of(home_page).first()
        if index is None:
            index = _publish(
                home_page,
                CourseIndexPage(
                    title=INDEX["title"]["kk"],
                    slug=INDEX["slug"],
                    **_localized("title", INDEX["title"]),
                    **_localized("intro", INDEX["intro"]),
                    **_localized("search_description", INDEX["search_description"]),
                    **{f"slug_{code}": INDEX["slug"] for code in LANGUAGES},
                ),
            )
        else:
            _describe(index, INDEX["search_description"])
        videos = [_video(spec) for spec in VIDEOS]
        courses = [_course(index, spec, videos) for spec in (GUIDE, COUPLES, PARENTS)]
        _editors(index)
        _workflow(index)
    if stdout is not None:
        lessons = sum(len(course.lessons()) for course in courses)
        stdout.write(
            f"Courses ready: {len(courses)} courses, {lessons} lessons, "
            f"{len(videos)} demo videos with captions in kk, ru and en.\n"
        )
