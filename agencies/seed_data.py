"""The public facts that `seed_onegov` loads, each with the public address it was read from.

Where a source gives a month, a year or a duration rather than a day, the date below is the
end of that period or is computed from the announcement, and `dates_note` says so. Where the
sources give no date at all, the date is left empty.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

D = dt.date

# The CFO Act agencies (31 U.S.C. § 901(b)) with their CGAC department codes, the Treasury's three-character
# Common Government-wide Accounting Classification codes used in USAspending.
CFO_ACT_AGENCIES = [
    ("Department of Agriculture", "USDA", "012"),
    ("Department of Commerce", "DOC", "013"),
    ("Department of the Interior", "DOI", "014"),
    ("Department of Justice", "DOJ", "015"),
    ("Department of Labor", "DOL", "016"),
    ("Department of State", "DOS", "019"),
    ("Department of the Treasury", "TREAS", "020"),
    ("Office of Personnel Management", "OPM", "024"),
    ("Social Security Administration", "SSA", "028"),
    ("Nuclear Regulatory Commission", "NRC", "031"),
    ("Department of Veterans Affairs", "VA", "036"),
    ("General Services Administration", "GSA", "047"),
    ("National Science Foundation", "NSF", "049"),
    ("Environmental Protection Agency", "EPA", "068"),
    ("Department of Transportation", "DOT", "069"),
    ("Department of Homeland Security", "DHS", "070"),
    ("U.S. Agency for International Development", "USAID", "072"),
    ("Small Business Administration", "SBA", "073"),
    ("Department of Health and Human Services", "HHS", "075"),
    ("National Aeronautics and Space Administration", "NASA", "080"),
    ("Department of Housing and Urban Development", "HUD", "086"),
    ("Department of Energy", "DOE", "089"),
    ("Department of Education", "ED", "091"),
    ("Department of Defense", "DOD", "097"),
]

LLAMA_LICENSES = ["llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4"]

# Vendors named by GSA as OneGov partners whose terms no public source we found confirms.
VENDORS_TERMS_NOT_CONFIRMED = [
    "Elastic",
    "Adobe",
    "Salesforce",
    "Uber",
    "Box",
    "Perplexity",
    "Palo Alto Networks",
    "ServiceNow",
]

# Each offering: vendor, name, slug, kind, description, allowed licenses, its agreement, and
# any public status history after approval. The agreement's announcement is taken as the
# date GSA approved the offering for the catalog.
OFFERINGS = [
    {
        "vendor": "Meta",
        "name": "Llama open models",
        "slug": "meta-llama",
        "kind": "open_weight",
        "description": "Meta's open-weight Llama models, run by agencies in their own environments.",
        "allowed_licenses": LLAMA_LICENSES,
        "agreement": {
            "title": "OneGov agreement: Meta Llama",
            "price_per_agency": Decimal("0.00"),
            "price_unit": "free of charge; no procurement negotiation needed",
            "announced_on": D(2025, 9, 22),
            "expires_on": None,
            "dates_note": "No end date: the models are freely available.",
            "conditions": (
                "Agencies keep full control over how data is processed and stored. GSA did back-end work so "
                "that Llama meets federal requirements. Supports the AI Action Plan and M-25-21/M-25-22."
            ),
            "source_url": "https://completeaitraining.com/news/onegov-deal-brings-free-llama-ai-to-every-federal-agency",
        },
    },
    {
        "vendor": "OpenAI",
        "name": "ChatGPT Enterprise",
        "slug": "openai-chatgpt-enterprise",
        "kind": "enterprise_saas",
        "description": "OpenAI for Government: ChatGPT Enterprise for the whole executive branch.",
        "agreement": {
            "title": "OneGov agreement: ChatGPT Enterprise",
            "price_per_agency": Decimal("1.00"),
            "price_unit": "per agency for the next year",
            "announced_on": D(2025, 8, 6),
            "expires_on": D(2026, 8, 6),
            "dates_note": "Expiry computed: one year from the 6 Aug 2025 announcement (the sources give the term, not the day).",
            "conditions": (
                "Whole executive branch. Plus 60 days of unlimited advanced features (Deep Research, Advanced Voice). "
                "Business data is not used for training. Via the Multiple Award Schedule."
            ),
            "source_url": "https://www.benzinga.com/news/topics/25/08/47170537/",
        },
    },
    {
        "vendor": "Anthropic",
        "name": "Claude for Government",
        "slug": "anthropic-claude",
        "kind": "enterprise_saas",
        "description": "Claude for Enterprise / Claude for Government, offered to all three branches.",
        "agreement": {
            "title": "OneGov agreement: Claude",
            "price_per_agency": Decimal("1.00"),
            "price_unit": "per agency for one year",
            "announced_on": D(2025, 8, 12),
            "expires_on": D(2026, 8, 12),
            "dates_note": "Expiry computed: one year from the 12 Aug 2025 announcement (the sources give the term, not the day).",
            "conditions": (
                "Offered to all three branches (executive, legislative, judicial). Agencies are not obliged to use it; "
                "limited to sensitive-but-unclassified work."
            ),
            "source_url": "https://nftaiverse.xyz/anthropic-is-offering-claude-to-the-us-government-for-just-1",
        },
        "history": [
            {
                "to_status": "removed",
                "effective_on": D(2026, 2, 27),
                "reason": (
                    "On 27 Feb 2026 the President ordered agencies to cease using Anthropic (6-month phase-out); "
                    "GSA removed Anthropic from USAi.gov and the MAS."
                ),
                "source_url": "https://fedscoop.com/anthropic-claude-dod-federal-agency-fallout-trump-hegseth/",
            }
        ],
    },
    {
        "vendor": "Google",
        "name": "Gemini for Government",
        "slug": "google-gemini-for-government",
        "kind": "enterprise_saas",
        "description": "Google's Gemini for Government.",
        "agreement": {
            "title": "OneGov agreement: Gemini for Government",
            "price_per_agency": Decimal("0.47"),
            "price_unit": "per agency",
            "announced_on": None,
            "expires_on": D(2026, 12, 31),
            "dates_note": "Announced in Aug 2025 (exact day not confirmed). 'Extending through 2026': the end of 2026 is taken.",
            "conditions": "",
            "source_url": "https://businessnewsdaily.info/protest-hits-gsas-1-a-year-agreements-with-openai-and-anthropic",
        },
    },
    {
        "vendor": "Google",
        "name": "Google Workspace",
        "slug": "google-workspace",
        "kind": "enterprise_saas",
        "description": "Google Workspace under the first OneGov deal.",
        "agreement": {
            "title": "OneGov agreement: Google Workspace discount",
            "price_per_agency": None,
            "price_unit": "71% discount; up to $2B in claimed savings",
            "announced_on": None,
            "expires_on": D(2025, 9, 30),
            "dates_note": "Announced early Apr 2025 (the first OneGov deal; exact day not published). Discount through 30 Sep 2025.",
            "conditions": "Temporary. DOT used it for a 5-year, $89M-ceiling Workspace contract (awarded 27 Sep 2025).",
            "source_url": (
                "https://washingtontechnology.com/companies/2025/10/"
                "transportation-awards-google-major-contract-after-onegov-deal/409134/"
            ),
        },
    },
    {
        "vendor": "xAI",
        "name": "Grok for Government",
        "slug": "xai-grok-for-government",
        "kind": "hosted_service",
        "description": "Grok 4 and Grok 4 Fast for government.",
        "agreement": {
            "title": "OneGov agreement: Grok for Government",
            "price_per_agency": Decimal("0.42"),
            "price_unit": "per agency for 18 months",
            "announced_on": D(2025, 9, 25),
            "expires_on": D(2027, 3, 31),
            "dates_note": "'Through Mar 2027' (the longest OneGov AI deal): the end of March 2027 is taken.",
            "conditions": "xAI engineers assist deployment; option to upgrade to enterprise; a path to FedRAMP noted.",
            "source_url": "https://evrimagaci.org/gpt/elon-musks-xai-wins-federal-grok-chatbot-deal-503970",
        },
    },
    {
        "vendor": "Microsoft",
        "name": "Microsoft 365 Copilot and cloud",
        "slug": "microsoft-365-copilot",
        "kind": "enterprise_saas",
        "description": "M365 Copilot, M365, Azure, Dynamics 365 and Sentinel.",
        "agreement": {
            "title": "OneGov agreement: Microsoft",
            "price_per_agency": Decimal("0.00"),
            "price_unit": "M365 Copilot free for up to 12 months for G5 customers; ~$3.1B first-year savings claimed",
            "announced_on": D(2025, 9, 2),
            "expires_on": D(2026, 9, 30),
            "dates_note": (
                "Announced 2 Sep 2025 (one article says 29 Apr 2025: the sources conflict). Opt in through Sep 2026 "
                "(the end of September is taken); discounts up to 36 months. The source article's full address "
                "(windowsnews.ai, article 379449) was not recorded."
            ),
            "conditions": "Egress fees waived.",
            "source_url": "https://windowsnews.ai/",
        },
    },
    {
        "vendor": "Amazon Web Services",
        "name": "AWS cloud credits",
        "slug": "aws-cloud-credits",
        "kind": "hosted_service",
        "description": "Cloud credits, modernization and training.",
        "agreement": {
            "title": "OneGov agreement: AWS",
            "price_per_agency": None,
            "price_unit": "up to $1B in credits, pooled across civilian agencies",
            "announced_on": None,
            "expires_on": D(2028, 12, 31),
            "dates_note": "Announced about 7-8 Aug 2025 (exact day not confirmed). Credits usable through 31 Dec 2028.",
            "conditions": "Credits pooled across civilian agencies.",
            "source_url": "https://tempmail.email/aws-commits-to-1-billion-in-cloud-savings-for-u-s-government",
        },
    },
    {
        "vendor": "Oracle",
        "name": "Oracle software licenses and cloud",
        "slug": "oracle-licenses-and-cloud",
        "kind": "hosted_service",
        "description": "Oracle software licenses and cloud infrastructure.",
        "agreement": {
            "title": "OneGov agreement: Oracle",
            "price_per_agency": None,
            "price_unit": "75% off some licenses; 'substantial' cloud discounts",
            "announced_on": None,
            "expires_on": None,
            "dates_note": "Announced about Jul 2025. Temporary ('until late November', per one report; not confirmed).",
            "conditions": "Temporary.",
            "source_url": "https://aistoriz.com/?p=14110",
        },
    },
]

# Llama model versions: repo ids on the Hub, license ids (the `license:` tag of their model cards) and release
# dates (each license's effective date; the Llama 3.1 text is models/llama3_1/LICENSE in meta-llama/llama-models).
LLAMA_FAMILIES = [
    (
        "Llama 2",
        "llama2",
        D(2023, 7, 18),
        [
            ("meta-llama/Llama-2-7b-hf", 7_000_000_000),
            ("meta-llama/Llama-2-7b-chat-hf", 7_000_000_000),
            ("meta-llama/Llama-2-13b-hf", 13_000_000_000),
            ("meta-llama/Llama-2-70b-hf", 70_000_000_000),
        ],
    ),
    (
        "Llama 3",
        "llama3",
        D(2024, 4, 18),
        [
            ("meta-llama/Meta-Llama-3-8B", 8_000_000_000),
            ("meta-llama/Meta-Llama-3-8B-Instruct", 8_000_000_000),
            ("meta-llama/Meta-Llama-3-70B-Instruct", 70_000_000_000),
        ],
    ),
    (
        "Llama 3.1",
        "llama3.1",
        D(2024, 7, 23),
        [
            ("meta-llama/Llama-3.1-8B", 8_000_000_000),
            ("meta-llama/Llama-3.1-8B-Instruct", 8_000_000_000),
            ("meta-llama/Llama-3.1-70B-Instruct", 70_000_000_000),
            ("meta-llama/Llama-3.1-405B-Instruct", 405_000_000_000),
        ],
    ),
    (
        "Llama 3.2",
        "llama3.2",
        D(2024, 9, 25),
        [
            ("meta-llama/Llama-3.2-1B", 1_000_000_000),
            ("meta-llama/Llama-3.2-1B-Instruct", 1_000_000_000),
            ("meta-llama/Llama-3.2-3B-Instruct", 3_000_000_000),
            ("meta-llama/Llama-3.2-11B-Vision-Instruct", 11_000_000_000),
        ],
    ),
    (
        "Llama 3.3",
        "llama3.3",
        D(2024, 12, 6),
        [
            ("meta-llama/Llama-3.3-70B-Instruct", 70_000_000_000),
        ],
    ),
    # Llama 4's total parameter counts are not in our reference: left empty rather than guessed.
    (
        "Llama 4",
        "llama4",
        D(2025, 4, 5),
        [
            ("meta-llama/Llama-4-Scout-17B-16E-Instruct", None),
            ("meta-llama/Llama-4-Maverick-17B-128E-Instruct", None),
        ],
    ),
]
