# ruff: noqa: E501  (sample sentences are data: one per line reads best)
"""Sample sentences for language identification, written for govloop (short and paragraph).

Why a data module: ``benchmarks/langid.py`` measures on it and ``tests/test_langid.py`` checks a
few of its short lines, so both read the same texts. Short lines are label-sized (2-8 words);
paragraphs are two or three sentences about AI-generated content.
"""

from __future__ import annotations

SHORT: dict[str, tuple[str, ...]] = {
    "zh": ("本内容由人工智能生成", "今天天气很好", "请帮我写一封信", "这张图片是合成的"),
    "en": (
        "This content was AI-generated.",
        "Please write me a short poem",
        "The weather is nice today",
        "Where is the station?",
    ),
    "ar": (
        "تم إنشاء هذا المحتوى بالذكاء الاصطناعي",
        "الطقس جميل اليوم",
        "اكتب لي رسالة قصيرة",
        "أين محطة القطار؟",
    ),
    "ru": (
        "Этот текст создан нейросетью",
        "Сегодня хорошая погода",
        "Напиши мне короткое письмо",
        "Где находится вокзал?",
    ),
    "es": (
        "Generado por inteligencia artificial",
        "Hoy hace buen tiempo",
        "Escríbeme una carta corta",
        "¿Dónde está la estación?",
    ),
    "fr": (
        "Généré par une intelligence artificielle",
        "Il fait beau aujourd'hui",
        "Écris-moi une courte lettre",
        "Où est la gare ?",
    ),
    "pt": (
        "Gerado por inteligência artificial",
        "Hoje o tempo está bom",
        "Escreva-me uma carta curta",
        "Onde fica a estação?",
    ),
    "id": (
        "Dihasilkan oleh kecerdasan buatan",
        "Cuaca hari ini sangat cerah",
        "Tolong tuliskan surat pendek",
        "Di mana stasiun kereta?",
    ),
    "hi": (
        "यह सामग्री एआई द्वारा बनाई गई है",
        "आज मौसम अच्छा है",
        "मुझे एक छोटा पत्र लिखो",
        "रेलवे स्टेशन कहाँ है?",
    ),
    "sw": (
        "Imetengenezwa na akili bandia",
        "Hali ya hewa ni nzuri leo",
        "Niandikie barua fupi tafadhali",
        "Kituo cha treni kiko wapi?",
    ),
}

PARAGRAPH: dict[str, tuple[str, ...]] = {
    "zh": (
        "生成式人工智能服务提供者应当对生成的内容进行标识。用户在发布这些内容时，也需要保留标识，以便公众识别。",
    ),
    "en": (
        "Providers of generative AI services must label the content they produce. Users who publish that content should keep the label so that the public can tell what was generated.",
    ),
    "ar": (
        "يجب على مقدمي خدمات الذكاء الاصطناعي التوليدي وضع علامة على المحتوى الذي ينتجونه. وعلى المستخدمين الذين ينشرون هذا المحتوى الإبقاء على العلامة حتى يعرف الجمهور ما تم توليده.",
    ),
    "ru": (
        "Поставщики услуг генеративного искусственного интеллекта должны маркировать создаваемый контент. Пользователи, публикующие такой контент, должны сохранять маркировку, чтобы люди понимали, что он сгенерирован.",
    ),
    "es": (
        "Los proveedores de servicios de inteligencia artificial generativa deben etiquetar el contenido que producen. Los usuarios que lo publican deben conservar la etiqueta para que el público sepa qué fue generado.",
    ),
    "fr": (
        "Les fournisseurs de services d'intelligence artificielle générative doivent étiqueter les contenus qu'ils produisent. Les utilisateurs qui les publient doivent conserver l'étiquette afin que le public sache ce qui a été généré.",
    ),
    "pt": (
        "Os fornecedores de serviços de inteligência artificial generativa devem rotular o conteúdo que produzem. Os usuários que publicam esse conteúdo devem manter o rótulo para que o público saiba o que foi gerado.",
    ),
    "id": (
        "Penyedia layanan kecerdasan buatan generatif wajib memberi label pada konten yang mereka hasilkan. Pengguna yang menerbitkan konten tersebut harus mempertahankan label agar masyarakat tahu apa yang dihasilkan mesin.",
    ),
    "hi": (
        "जनरेटिव कृत्रिम बुद्धिमत्ता सेवाओं के प्रदाताओं को अपने द्वारा बनाई गई सामग्री पर लेबल लगाना चाहिए। इस सामग्री को प्रकाशित करने वाले उपयोगकर्ताओं को लेबल बनाए रखना चाहिए ताकि लोग जान सकें कि क्या उत्पन्न किया गया है।",
    ),
    "sw": (
        "Watoa huduma za akili bandia zinazozalisha maudhui wanapaswa kuweka alama kwenye maudhui wanayotengeneza. Watumiaji wanaochapisha maudhui hayo wanapaswa kubakiza alama ili umma ujue kilichotengenezwa na mashine.",
    ),
}

#: One to three words, as on an image label: the hardest case (es/pt, id/sw share words).
TINY: dict[str, tuple[str, ...]] = {
    "zh": ("AI生成", "合成图片"),
    "en": ("AI-generated", "Good morning"),
    "ar": ("أُنشئ بالذكاء الاصطناعي", "صباح الخير"),
    "ru": ("Сгенерировано ИИ", "Доброе утро"),
    "es": ("Generado por IA", "Buenos días"),
    "fr": ("Généré par IA", "Bonjour à tous"),
    "pt": ("Gerado por IA", "Bom dia"),
    "id": ("Dihasilkan oleh AI", "Selamat pagi"),
    "hi": ("एआई द्वारा निर्मित", "सुप्रभात"),
    "sw": ("Imetengenezwa na AI", "Habari za asubuhi"),
}
