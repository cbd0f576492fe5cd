"""The demo product catalogue: three product families of four tiers, six add-ons, buying
motives, and customer success stories per industry.

Prices are monthly list prices in yen. `included_usage` is the plan's monthly allowance:
leads captured (マーケティング), documents processed (経理) — daily usage records of those
are the day's count — and users (営業支援), whose daily record is the number of users active
that day. Beyond the allowance each unit costs `overage_unit_price`, so a Lite customer who
captures 3,000 leads pays ¥90,000, more than the Standard plan's ¥80,000 (the upsell trigger
of article 003).

Everything is found by its code (products, families, motives) or title (stories), so a second
run creates nothing; rows an administrator has since edited are left as they are.
"""

from dataclasses import dataclass
from decimal import Decimal

from accounts.choices import Industry
from accounts.models import BuyingMotive, Product, ProductFamily, SuccessStory

MOTIVES = [
    # (code, Japanese, English)
    ("lead_generation", "リード獲得", "Lead generation"),
    ("revenue_growth", "売上拡大", "Revenue growth"),
    ("retention", "顧客維持", "Retention"),
    ("efficiency", "業務効率化", "Efficiency"),
    ("cost_reduction", "コスト削減", "Cost reduction"),
    ("compliance", "法令対応", "Compliance"),
    ("visibility", "見える化", "Visibility"),
]

# (tier rank, code suffix, Japanese name): Lite < Standard < Pro < Enterprise
TIERS = [
    (1, "lite", "ライト"),
    (2, "standard", "スタンダード"),
    (3, "pro", "プロ"),
    (4, "enterprise", "エンタープライズ"),
]


@dataclass(frozen=True)
class FamilySpec:
    code: str
    name: str
    description: str
    usage_unit: str
    # leads and documents are counted per day; users are a level (active that day)
    usage_measure: str
    motives: tuple[str, ...]
    # per tier, Lite → Enterprise: (monthly price ¥, included units a month, overage ¥ per unit)
    tiers: tuple[tuple[int, int, int], ...]


FAMILIES = [
    FamilySpec(
        code="leadboost",
        name="リードブースト",
        description=(
            "マーケティングオートメーション。フォーム・メール・LPから獲得したリード数で課金し、"
            "プランの月間リード数を超えた分は1件ごとの従量課金です。"
        ),
        usage_unit="リード",
        usage_measure=Product.UsageMeasure.COUNTED,
        motives=("lead_generation", "revenue_growth"),
        tiers=(
            (30_000, 1_000, 30),
            (80_000, 5_000, 20),
            (180_000, 20_000, 12),
            (450_000, 100_000, 6),
        ),
    ),
    FamilySpec(
        code="salesnavi",
        name="セールスナビ",
        description=(
            "営業支援SaaS(SFA)。案件・商談・日報を一元管理します。ユーザー数(席)で課金し、"
            "プランに含まれる席数を超えた分は1席ごとの月額です。"
        ),
        usage_unit="ユーザー",
        usage_measure=Product.UsageMeasure.LEVEL,
        motives=("efficiency", "visibility", "revenue_growth"),
        tiers=(
            (15_000, 5, 3_000),
            (48_000, 20, 2_400),
            (120_000, 60, 2_000),
            (380_000, 250, 1_500),
        ),
    ),
    FamilySpec(
        code="keiri-cloud",
        name="クラウド経理",
        description=(
            "クラウド会計・バックオフィス。請求書・領収書・仕訳の処理件数で課金し、"
            "プランの月間処理件数を超えた分は1件ごとの従量課金です。"
        ),
        usage_unit="件",
        usage_measure=Product.UsageMeasure.COUNTED,
        motives=("efficiency", "cost_reduction", "compliance"),
        tiers=((9_800, 300, 40), (29_800, 1_500, 25), (79_800, 6_000, 15), (198_000, 25_000, 8)),
    ),
]

# Higher tiers add a motive to their family's: the big plans sell on visibility and retention.
TIER_EXTRA_MOTIVES = {3: ("visibility",), 4: ("visibility", "retention")}


@dataclass(frozen=True)
class AddOnSpec:
    code: str
    name: str
    monthly_price: int
    complements: tuple[str, ...]  # family codes whose every plan it complements
    motives: tuple[str, ...]


ADD_ONS = [
    AddOnSpec(
        "ai-lead-scoring",
        "AIリードスコアリング",
        20_000,
        ("leadboost",),
        ("lead_generation", "revenue_growth"),
    ),
    AddOnSpec(
        "card-scan",
        "名刺デジタル化オプション",
        8_000,
        ("salesnavi", "leadboost"),
        ("lead_generation", "efficiency"),
    ),
    AddOnSpec(
        "e-contract",
        "電子契約オプション",
        15_000,
        ("salesnavi", "keiri-cloud"),
        ("efficiency", "cost_reduction"),
    ),
    AddOnSpec(
        "invoice-compliance",
        "インボイス・電子帳簿保存法対応パック",
        5_000,
        ("keiri-cloud",),
        ("compliance",),
    ),
    AddOnSpec(
        "bi-dashboard",
        "経営ダッシュボード",
        25_000,
        ("leadboost", "salesnavi", "keiri-cloud"),
        ("visibility",),
    ),
    AddOnSpec(
        "premium-support",
        "プレミアムサポート(専任CS)",
        30_000,
        ("leadboost", "salesnavi", "keiri-cloud"),
        ("retention", "efficiency"),
    ),
]


def plan_code(family: str, tier_rank: int) -> str:
    return f"{family}-{TIERS[tier_rank - 1][1]}"


@dataclass(frozen=True)
class StorySpec:
    industry: str
    product: str  # product code
    title: str
    summary: str
    headline_metric: str


STORIES = [
    StorySpec(
        Industry.CONSTRUCTION,
        plan_code("keiri-cloud", 3),
        "見積から請求までを一本化し、月末締めを5日短縮",
        "現場ごとにExcelで管理していた見積・請求・原価をクラウド経理に集約。工事台帳と仕訳が自動で連動し、経理担当2名の残業がほぼなくなりました。",
        "月次決算 5日短縮",
    ),
    StorySpec(
        Industry.CONSTRUCTION,
        plan_code("salesnavi", 2),
        "施主との打合せ履歴を共有し、追加工事の受注率が向上",
        "営業と現場監督が同じ案件画面で打合せ内容を共有。追加工事の提案漏れが減り、受注単価が上がりました。",
        "追加工事受注率 1.4倍",
    ),
    StorySpec(
        Industry.MANUFACTURING,
        plan_code("salesnavi", 3),
        "代理店経由の商談を見える化し、受注予測の精度が向上",
        "全国の代理店から上がる引合いをセールスナビで一元管理。週次の受注予測会議が資料作りなしで回るようになりました。",
        "受注予測の誤差 ±5%以内",
    ),
    StorySpec(
        Industry.MANUFACTURING,
        "e-contract",
        "部品取引の契約を電子化し、印紙代と郵送コストを削減",
        "年間800件の取引基本契約・注文書を電子契約に切り替え。押印のための出社と郵送待ちがなくなりました。",
        "年間コスト 320万円削減",
    ),
    StorySpec(
        Industry.RETAIL,
        plan_code("leadboost", 2),
        "会員向けメール配信を自動化し、リピート購入が増加",
        "購買履歴に応じたステップメールをリードブーストで自動化。休眠会員の掘り起こしにも成功しました。",
        "リピート率 18%向上",
    ),
    StorySpec(
        Industry.WHOLESALE,
        plan_code("salesnavi", 2),
        "ルート営業の訪問記録をスマホで入力、提案件数が倍増",
        "紙の日報をやめ、訪問直後にスマホで記録。上長のフィードバックが当日中に届くようになりました。",
        "提案件数 2倍",
    ),
    StorySpec(
        Industry.IT_SOFTWARE,
        plan_code("leadboost", 3),
        "ウェビナー集客からの商談化をスコアリングで効率化",
        "ウェビナー参加者の行動をスコア化し、温度の高いリードだけをインサイドセールスへ。商談化率が大きく改善しました。",
        "商談化率 2.3倍",
    ),
    StorySpec(
        Industry.IT_SOFTWARE,
        "ai-lead-scoring",
        "AIスコアで優先順位づけ、インサイドセールスの架電を半減",
        "AIリードスコアリングで架電リストを自動で並べ替え。少人数でも取りこぼしなく追客できています。",
        "架電数 50%削減・商談数維持",
    ),
    StorySpec(
        Industry.EDUCATION,
        plan_code("leadboost", 2),
        "体験授業の申込から入塾までを自動フォロー",
        "個別指導塾の体験授業申込者に、授業後のフォローメールと面談案内を自動配信。教室長の事務負担が減りました。",
        "入塾率 12ポイント向上",
    ),
    StorySpec(
        Industry.EDUCATION,
        plan_code("keiri-cloud", 1),
        "月謝の入金消込を自動化し、教室運営に集中",
        "口座振替の結果を取り込んで消込まで自動化。月初の入金確認作業がなくなりました。",
        "月初作業 20時間削減",
    ),
    StorySpec(
        Industry.HEALTHCARE,
        plan_code("keiri-cloud", 2),
        "クリニックの経費精算と電子帳簿保存に一括対応",
        "複数院の経費精算と領収書保存をクラウド経理に統一。電子帳簿保存法にも無理なく対応できました。",
        "経理工数 40%削減",
    ),
    StorySpec(
        Industry.HEALTHCARE,
        plan_code("leadboost", 1),
        "健診リマインドの自動配信で再来院が増加",
        "定期健診の時期に合わせた案内を自動配信。受付スタッフの電話連絡が不要になりました。",
        "再来院率 15%向上",
    ),
    StorySpec(
        Industry.PROFESSIONAL_SERVICES,
        plan_code("keiri-cloud", 3),
        "顧問先の記帳代行を標準化し、担当件数を拡大",
        "顧問先ごとの証憑をクラウドで受け取り、仕訳を自動化。1人あたりの担当顧問先数が増えました。",
        "担当顧問先数 1.5倍",
    ),
    StorySpec(
        Industry.REAL_ESTATE,
        plan_code("salesnavi", 2),
        "反響から内見・成約までの追客を見える化",
        "ポータルサイトからの反響を自動で取り込み、追客状況を店舗全体で共有。成約までの日数が短くなりました。",
        "成約までの日数 30%短縮",
    ),
    StorySpec(
        Industry.FINANCE,
        "invoice-compliance",
        "インボイス制度への対応を短期間で完了",
        "適格請求書の発行・受領・保存をパックで整備。制度開始に間に合い、監査対応も楽になりました。",
        "対応期間 1か月",
    ),
    StorySpec(
        Industry.LOGISTICS,
        plan_code("salesnavi", 3),
        "荷主ごとの取引状況を共有し、解約の予兆を早期発見",
        "出荷量の推移と問い合わせ履歴を営業とCSで共有。取引減少の兆しに早めに手を打てるようになりました。",
        "荷主の解約 半減",
    ),
    StorySpec(
        Industry.HOSPITALITY,
        plan_code("leadboost", 2),
        "宿泊者へのアフターメールで直接予約比率が向上",
        "チェックアウト後のお礼メールと季節の案内を自動配信。予約サイトの手数料が減りました。",
        "直接予約比率 25%→41%",
    ),
    StorySpec(
        Industry.MEDIA,
        "bi-dashboard",
        "案件別の粗利をダッシュボードで毎日確認",
        "広告案件の売上と外注費を経営ダッシュボードで可視化。赤字案件に早く気づけるようになりました。",
        "粗利率 6ポイント改善",
    ),
    StorySpec(
        Industry.PUBLIC,
        plan_code("keiri-cloud", 2),
        "補助金の会計区分を自動で分け、報告書作成を効率化",
        "事業ごとの会計区分をクラウド経理で管理。補助金の実績報告にかかる時間が大幅に減りました。",
        "報告書作成 60%短縮",
    ),
    StorySpec(
        Industry.OTHER,
        "premium-support",
        "専任CSとの定例で活用度を高め、全社展開へ",
        "専任CSと四半期ごとに活用状況を振り返り、他部署への展開計画を一緒に作成しました。",
        "利用部署 3→9部署",
    ),
]


@dataclass(frozen=True)
class Catalogue:
    """The demo catalogue as loaded: products by code, and which codes are plans of a family."""

    products: dict[str, Product]

    def plan(self, family: str, tier_rank: int) -> Product:
        return self.products[plan_code(family, tier_rank)]

    def add_ons_for(self, family: str) -> list[Product]:
        return [self.products[spec.code] for spec in ADD_ONS if family in spec.complements]


def seed_catalogue() -> Catalogue:
    """Create the motives, families, plans, add-ons and stories that are missing."""
    motives = _motives_ensure()
    families = _families_ensure()
    existing = {product.code: product for product in Product.objects.all()}
    new = [spec for spec in _product_specs(families) if spec[0].code not in existing]
    Product.objects.bulk_create([product for product, _motives, _complements in new])
    products = existing | {product.code: product for product, _motives, _complements in new}

    family_codes = {family.pk: code for code, family in families.items()}
    motive_links, complement_links = [], []
    for product, motive_codes, complemented_families in new:
        motive_links += [
            Product.motives.through(product_id=product.pk, buyingmotive_id=motives[code].pk)
            for code in motive_codes
        ]
        complement_links += [
            Product.complements.through(from_product_id=product.pk, to_product_id=plan.pk)
            for plan in products.values()
            if family_codes.get(plan.family_id) in complemented_families
        ]
    Product.motives.through.objects.bulk_create(motive_links, ignore_conflicts=True)
    Product.complements.through.objects.bulk_create(complement_links, ignore_conflicts=True)
    _stories_ensure(products)
    return Catalogue(products=products)


def _motives_ensure() -> dict[str, BuyingMotive]:
    motives = {motive.code: motive for motive in BuyingMotive.objects.all()}
    missing = [
        BuyingMotive(code=code, name=name, name_en=name_en)
        for code, name, name_en in MOTIVES
        if code not in motives
    ]
    BuyingMotive.objects.bulk_create(missing)
    return motives | {motive.code: motive for motive in missing}


def _families_ensure() -> dict[str, ProductFamily]:
    families = {family.code: family for family in ProductFamily.objects.all()}
    missing = [
        ProductFamily(code=spec.code, name=spec.name, description=spec.description)
        for spec in FAMILIES
        if spec.code not in families
    ]
    ProductFamily.objects.bulk_create(missing)
    return families | {family.code: family for family in missing}


def _product_specs(
    families: dict[str, ProductFamily],
) -> list[tuple[Product, tuple[str, ...], tuple[str, ...]]]:
    """Every demo product, unsaved, with its motive codes and the families it complements."""
    specs = []
    for family in FAMILIES:
        for (rank, _code, tier_name), (price, included, overage) in zip(
            TIERS, family.tiers, strict=True
        ):
            product = Product(
                code=plan_code(family.code, rank),
                name=f"{family.name} {tier_name}",
                kind=Product.Kind.PLAN,
                family=families[family.code],
                tier_rank=rank,
                monthly_price=price,
                included_usage=Decimal(included),
                usage_unit=family.usage_unit,
                usage_measure=family.usage_measure,
                overage_unit_price=Decimal(overage),
            )
            motives = family.motives + TIER_EXTRA_MOTIVES.get(rank, ())
            specs.append((product, motives, ()))
    for add_on in ADD_ONS:
        product = Product(
            code=add_on.code,
            name=add_on.name,
            kind=Product.Kind.ADD_ON,
            monthly_price=add_on.monthly_price,
        )
        specs.append((product, add_on.motives, add_on.complements))
    return specs


def _stories_ensure(products: dict[str, Product]) -> None:
    titles = set(SuccessStory.objects.values_list("title", flat=True))
    SuccessStory.objects.bulk_create(
        [
            SuccessStory(
                industry=story.industry,
                product=products[story.product],
                title=story.title,
                summary=story.summary,
                headline_metric=story.headline_metric,
            )
            for story in STORIES
            if story.title not in titles
        ]
    )
