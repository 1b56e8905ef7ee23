"""The demo's platform content in English: the optional English titles the academy and the brands would give
their courses and tasks (docs/i18n.md), by code, beside the Chinese in ``demo.catalogue``. Brand names read
as written."""

# course code → (title, summary, lesson titles in order)
COURSES_EN: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "course-01": (
        "Getting started with Xingtu",
        "Meet Xingtu: join, complete your profile, link your account and find your way around the Task Hall.",
        ("Meet Xingtu", "Joining and completing your profile", "Linking Douyin and enabling tasks",
         "Finding your way around the Task Hall"),
    ),
    "course-02": (
        "Submission tasks in practice",
        "From the idea to the payout: the whole flow of a submission task.",
        ("What a submission task is", "Reading a task's requirements and payout rules",
         "From idea to finished video", "Guarantee tasks and guarantee cards"),
    ),
    "course-03": (
        "Pricing and order conversion",
        "Price sensibly, convert more brand orders and win repeat clients.",
        ("Setting a sensible quote", "Quoting 1-20s and 21-60s videos", "From first contact to an order",
         "Delivering orders and client ratings", "Keeping repeat clients"),
    ),
    "course-04": (
        "Writing short-video scripts",
        "Scripts for brand videos that are watched to the end and convert.",
        ("The golden first three seconds", "Script structure and shot lists", "Talking-head and story scripts",
         "Brand messages that don't feel forced"),
    ),
    "course-05": (
        "Live-stream selling basics",
        "Set up the studio, pick and order products, pace the stream, review it.",
        ("Studio set-up and equipment", "Choosing and ordering products", "Scripts and pacing",
         "Reviewing a live stream's data"),
    ),
    "course-06": (
        "Data reviews and the Business Assistant",
        "Read every figure in the Business Assistant.",
        ("The Business Assistant dashboard", "Effective plays and completion rate",
         "The five dimensions of the Xingtu index"),
    ),
    "course-07": (
        "Brand collaboration rules and credit score",
        "Rules for brand orders, what makes up the credit score, and appeals.",
        ("Rules for brand orders", "What the credit score counts and deducts", "Breaches and appeals"),
    ),
    "course-08": (
        "Growing followers and finding your niche",
        "Find your niche, stay on topic, grow steadily.",
        ("Finding your account's niche", "Persona and topic focus", "Engaging your followers"),
    ),
    "course-09": (
        "Product recommendation content",
        "Why recommendation content works, with cases from several industries.",
        ("Why recommendation content works", "Attaching components and converting",
         "Case study: beauty and food", "Case study: electronics and cars"),
    ),
    "course-10": (
        "Advanced shooting and editing",
        "Shoot polished videos with one phone.",
        ("Framing and lighting with a phone", "Everyday CapCut techniques", "Captions, music and rhythm",
         "Covers and titles"),
    ),
    "course-11": (
        "Creator levels and benefits explained",
        "Level rules, reward tasks and how to use each benefit.",
        ("Level rules and basic tasks", "Reward tasks and claiming benefits", "Guarantee cards and DOU+ compensation"),
    ),
    "course-12": (
        "Industry case studies",
        "Outstanding brand orders from six industries.",
        ("Mother and baby", "Travel and local life", "Games", "Home and fashion", "Cars", "Education"),
    ),
}  # fmt: skip

# task code → title
TASKS_EN: dict[str, str] = {
    "task-01": "Summer long-wear challenge · show your commute make-up",
    "task-02": "Zero-sugar sparkling water · creative videos to beat the heat",
    "task-03": "Favourite baby products for new parents",
    "task-04": "Unboxing and review of a new phone",
    "task-05": "Travel with your family · a weekend getaway",
    "task-06": "Office snack taste test",
    "task-07": "Everyday life with an electric car",
    "task-08": "Get running · city night-run check-in",
    "task-09": "Local finds · where to eat and play",
    "task-10": "Planning your holiday studies",
    "task-11": "Eastern beauty · guofeng make-up",
    "task-12": "Best moments of the new season with friends",
    "task-13": "Storage makeover for a small flat",
    "task-14": "A day in the life of your pet",
    "task-15": "Summer new-flavour taste test",
}


def task_description_en(brand: str, title: str, threshold: int | None) -> str:
    """The English brief of a demo task, the same sentences as the Chinese one."""
    text = (
        f"{brand} submission task: create an original short video on “{title}”, post it with the hashtag "
        f"#{brand}# and submit it."
    )
    if threshold:
        text += f" Guarantee task: reach {threshold:,} effective plays to earn the guaranteed income with a card."
    return text
