"""Response formats: what an item may be answered with, as whole numbers or text.

Every numeric answer is a whole number between the format's ends, both
allowed (a multiple-choice answer is the chosen option's number, from 1).
The ends drive reverse keying (``maximum + minimum - x``), the refusal of
out-of-range answers and the value labels of exports.
"""

from django.db import models


class ResponseFormat(models.TextChoices):
    AGREE_5 = "agree_5", "Agree or disagree, 1 to 5"
    AGREE_7 = "agree_7", "Agree or disagree, 1 to 7"
    RATING_0_10 = "rating_0_10", "Rating, 0 to 10"
    CONFIDENCE_0_100 = "confidence_0_100", "Confidence, 0 to 100"
    YES_NO = "yes_no", "Yes or no"
    MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
    FREE_TEXT = "free_text", "Free text"


# Formats whose numbers are a rating that may be reverse keyed.
RATINGS = (
    ResponseFormat.AGREE_5,
    ResponseFormat.AGREE_7,
    ResponseFormat.RATING_0_10,
    ResponseFormat.CONFIDENCE_0_100,
    ResponseFormat.YES_NO,
)
# Formats an answer key can mark right or wrong (knowledge items).
KEYED = (ResponseFormat.YES_NO, ResponseFormat.MULTIPLE_CHOICE)
# The most options a multiple-choice item may offer.
MAX_CHOICES = 12
# Every numeric answer of every format lies within these (the database's coarse check).
SMALLEST_ANSWER = 0
LARGEST_ANSWER = 100

_FIXED_ENDS = {
    ResponseFormat.AGREE_5: (1, 5),
    ResponseFormat.AGREE_7: (1, 7),
    ResponseFormat.RATING_0_10: (0, 10),
    ResponseFormat.CONFIDENCE_0_100: (0, 100),
    ResponseFormat.YES_NO: (0, 1),
}

_AGREE_5 = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
)
_AGREE_7 = (
    "Strongly disagree",
    "Disagree",
    "Somewhat disagree",
    "Neither agree nor disagree",
    "Somewhat agree",
    "Agree",
    "Strongly agree",
)


def answer_range(
    response_format: str, choices: list[str] | tuple[str, ...] = ()
) -> tuple[int, int]:
    """The smallest and largest number an item of this format takes.

    Free text has no numbers: asking is a programming error.
    """
    if response_format == ResponseFormat.MULTIPLE_CHOICE:
        return 1, len(choices)
    try:
        return _FIXED_ENDS[ResponseFormat(response_format)]
    except KeyError:
        raise ValueError(f"{response_format} answers are text, not numbers.") from None


def value_labels(response_format: str, choices: list[str] | tuple[str, ...] = ()) -> dict[int, str]:
    """What each number means, for forms and exports (only the ends of long ratings)."""
    match response_format:
        case ResponseFormat.AGREE_5:
            return dict(enumerate(_AGREE_5, start=1))
        case ResponseFormat.AGREE_7:
            return dict(enumerate(_AGREE_7, start=1))
        case ResponseFormat.RATING_0_10:
            return {0: "0 (not at all)", 10: "10 (completely)"}
        case ResponseFormat.CONFIDENCE_0_100:
            return {0: "0 (not at all confident)", 100: "100 (completely confident)"}
        case ResponseFormat.YES_NO:
            return {0: "No", 1: "Yes"}
        case ResponseFormat.MULTIPLE_CHOICE:
            return dict(enumerate(choices, start=1))
    return {}
