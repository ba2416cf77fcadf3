"""The public facts that `seed_onegov` loads, each with the public address it was read from.

No date is invented: an unknown day is empty and a note says what the sources give (a month, a
duration); an end computed from a stated term ("one year", "through Mar 2027") says so in its note.
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
    ("Department of State", "STATE", "019"),
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

# --- Issue 12: every agency that reports (agency part of the seed; offerings and agreements are below). ---
# The other agencies of OMB's 2025 individual inventory, keyed as OMB keys them (policy.md §8e), with the
# full name. The CFO Act agencies above are in it too, except DOD (excluded from the inventory), OPM and USAID.
OMB_2025_INVENTORY_AGENCIES = [
    ("Commodity Futures Trading Commission", "CFTC"),
    ("U.S. Election Assistance Commission", "EAC"),
    ("Farm Credit Administration", "FCA"),
    ("Federal Communications Commission", "FCC"),
    ("Federal Deposit Insurance Corporation", "FDIC"),
    ("Federal Energy Regulatory Commission", "FERC"),
    ("Federal Housing Finance Agency", "FHFA"),
    ("Board of Governors of the Federal Reserve System", "FRB"),
    ("Federal Trade Commission", "FTC"),
    ("National Archives and Records Administration", "NARA"),
    ("National Credit Union Administration", "NCUA"),
    ("National Endowment for the Arts", "NEA"),
    ("National Indian Gaming Commission", "NIGC"),
    ("National Transportation Safety Board", "NTSB"),
    ("U.S. Office of Special Counsel", "OSC"),
    ("Occupational Safety and Health Review Commission", "OSHRC"),
    ("Pension Benefit Guaranty Corporation", "PBGC"),
    ("Securities and Exchange Commission", "SEC"),
    ("Surface Transportation Board", "STB"),
    ("Tennessee Valley Authority", "TVA"),
]
# Agencies present in OMB's individual file (the 41 abbreviations of policy.md §8e).
OMB_2025_INVENTORY_KEYS = frozenset(
    {abbreviation for _, abbreviation in OMB_2025_INVENTORY_AGENCIES}
    | {"DHS", "DOC", "DOE", "DOI", "DOJ", "DOL", "DOT", "ED", "EPA", "GSA", "HHS", "HUD", "NASA", "NRC", "NSF"}
    | {"SBA", "SSA", "STATE", "TREAS", "USDA", "VA"}
)
# Other abbreviations and name spellings an agency appears under. Matching ignores case, "the" and "U.S.",
# so "Department of Treasury" (OMB's COTS file) already finds "Department of the Treasury".
AGENCY_ALIASES = {
    "STATE": ["DOS", "State", "U.S. Department of State"],
    "TREAS": ["Treasury", "Department of Treasury", "U.S. Department of the Treasury"],
    "USDA": ["Agriculture", "U.S. Department of Agriculture"],
    "DOC": ["Commerce", "USDOC"],
    "DOI": ["Interior", "Department of Interior"],
    "DOJ": ["Justice", "USDOJ"],
    "DOL": ["Labor", "USDOL"],
    "DOT": ["Transportation", "USDOT"],
    "DOE": ["Energy"],
    "ED": ["Education", "DOEd"],
    "HHS": ["Health and Human Services", "DHHS"],
    "DHS": ["Homeland Security"],
    "HUD": ["Housing and Urban Development"],
    "VA": ["Veterans Affairs", "Department of Veteran Affairs"],
    "DOD": ["Department of War", "DOW"],
    "NASA": ["National Aeronautics & Space Administration"],
    "FRB": ["Federal Reserve Board", "Federal Reserve"],
    "USAID": ["Agency for International Development"],
    "OPM": ["Office of Personnel Management"],
}
# Agencies that no longer operate: (status date, source).
AGENCY_CLOSURES = {
    "USAID": (D(2025, 7, 1), "Ceased operations 1 Jul 2025; functions moved to State (policy.md §8a, news reports)."),
}
# Elements of the Intelligence Community (50 U.S.C. § 3003(4)) among the seeded agencies: none is an IC
# element as a whole (ODNI and CIA are not seeded); departments that house IC elements report for the rest.
INTELLIGENCE_COMMUNITY: frozenset[str] = frozenset()
# M-26-04 applies to large language models: which seeded offerings are (or embed) one. Workspace, cloud
# credits and Oracle licenses are platforms, not LLM offerings, as the agreements describe them.
OFFERING_IS_LLM = {
    "meta-llama": True,
    "openai-chatgpt-enterprise": True,
    "anthropic-claude": True,
    "google-gemini-for-government": True,
    "xai-grok-for-government": True,
    "microsoft-365-copilot": True,
    "google-workspace": False,
    "aws-cloud-credits": False,
    "oracle-licenses-and-cloud": False,
}
# --- end of issue 12's agency block ---

LLAMA_LICENSES = ["llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4"]

# Vendors named by GSA as OneGov partners whose terms no public source we found confirms.
VENDORS_TERMS_NOT_CONFIRMED = [
    "Elastic",
    "Adobe",
    "Salesforce",
    "Uber",
    "Box",
    "Palo Alto Networks",
    "ServiceNow",
]

# --- Offerings and agreements (issue 13: policy.md §4, 8a, 8c, 8d, 8e) ---------------------------------
#
# An unknown date is None and `dates_note` says what the sources give (a month, a duration). A price
# is set only where the source gives one price; other terms are words in `terms`. `history` lists the
# offering's status changes after it was created (the first is the approval), each with its confidence.

MAS = "GSA Multiple Award Schedule (MAS)"
CARAHSOFT_MAS = "GSA MAS: a modification to Carahsoft's MAS contract (GAO, Dec 2025)"
GAO_DISMISSAL = (
    "https://washingtontechnology.com/contracts/2025/12/gao-dismisses-protests-challenging-gsas-1-gen-ai-pacts/410298/"
)
GSA_ANTHROPIC_RELEASE = (
    "https://www.gsa.gov/about-us/newsroom/news-releases/"
    "gsa-stands-with-president-trump-on-national-security-ai-directive-02272026"
)
MICROSOFT_SOURCE = "https://windowsnews.ai/article/microsoft-promises-3-billion-in-federal-cloud-savings-with-onegov-copilot-free-for-a-year.379449"
APPROVAL_REASON = "OneGov agreement announced."

OFFERINGS = [
    {
        "vendor": "Meta",
        "name": "Llama open models",
        "slug": "meta-llama",
        "kind": "open_weight",
        "description": "Meta's open-weight Llama models, run by agencies in their own environments.",
        "allowed_licenses": LLAMA_LICENSES,
        "fedramp_ids": [],
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
            "source_url": "https://pubt.io/view/86CD7A095988D7B201F87A2733E003FA2A854FDF",
        },
        "history": [
            {
                "to_status": "approved",
                "effective_on": D(2025, 9, 22),
                "reason": APPROVAL_REASON,
                "source_url": "https://pubt.io/view/86CD7A095988D7B201F87A2733E003FA2A854FDF",
                "confidence": "confirmed",
                "note": "GSA's own release of 22 Sep 2025 (mirror).",
            }
        ],
    },
    {
        "vendor": "OpenAI",
        "name": "ChatGPT Enterprise",
        "slug": "openai-chatgpt-enterprise",
        "kind": "enterprise_saas",
        "description": "OpenAI for Government: ChatGPT Enterprise for the whole executive branch.",
        "fedramp_ids": ["FR2533155773"],
        "agreement": {
            "title": "OneGov agreement: ChatGPT Enterprise",
            "price_per_agency": Decimal("1.00"),
            "price_unit": "per agency for the next year",
            "announced_on": D(2025, 8, 6),
            "expires_on": D(2026, 8, 6),
            "dates_note": (
                "End of term computed: one year from the 6 Aug 2025 announcement (the sources give the term, "
                "not the day). No successor terms were found as of Dec 2026."
            ),
            "conditions": (
                "Whole executive branch. Plus 60 days of unlimited advanced features (Deep Research, Advanced Voice). "
                "Business data is not used for training."
            ),
            "source_url": "https://www.benzinga.com/news/topics/25/08/47170537/",
            "contract_vehicle": CARAHSOFT_MAS,
            "contract_vehicle_source_url": GAO_DISMISSAL,
            "reseller": "Carahsoft",
        },
        "history": [
            {
                "to_status": "approved",
                "effective_on": D(2025, 8, 6),
                "reason": APPROVAL_REASON,
                "source_url": "https://www.benzinga.com/news/topics/25/08/47170537/",
                "confidence": "confirmed",
            }
        ],
    },
    {
        "vendor": "Anthropic",
        "name": "Claude for Government",
        "slug": "anthropic-claude",
        "kind": "enterprise_saas",
        "description": "Claude for Enterprise / Claude for Government, offered to all three branches.",
        "fedramp_ids": [],
        "agreement": {
            "title": "OneGov agreement: Claude",
            "price_per_agency": Decimal("1.00"),
            "price_unit": "per agency for one year",
            "announced_on": D(2025, 8, 12),
            "expires_on": D(2026, 8, 12),
            "dates_note": (
                "End of term computed: one year from the 12 Aug 2025 announcement (the sources give the term, "
                "not the day). Terminated before then (see the termination)."
            ),
            "conditions": (
                "Offered to all three branches (executive, legislative, judicial). Agencies are not obliged to use it; "
                "limited to sensitive-but-unclassified work."
            ),
            "source_url": "https://nftaiverse.xyz/anthropic-is-offering-claude-to-the-us-government-for-just-1",
            "contract_vehicle": CARAHSOFT_MAS,
            "contract_vehicle_source_url": GAO_DISMISSAL,
            "reseller": "Carahsoft",
            "terminated_on": D(2026, 2, 27),
            "termination_reason": (
                "The FAS Commissioner said the OneGov agreement is terminated, after the President directed agencies "
                "to cease using Anthropic (6-month phase-out)."
            ),
            "termination_source_url": GSA_ANTHROPIC_RELEASE,
        },
        "history": [
            {
                "to_status": "approved",
                "effective_on": D(2025, 8, 12),
                "reason": APPROVAL_REASON,
                "source_url": "https://nftaiverse.xyz/anthropic-is-offering-claude-to-the-us-government-for-just-1",
                "confidence": "confirmed",
            },
            {
                "to_status": "removed",
                "effective_on": D(2026, 2, 27),
                "reason": (
                    "The President directed agencies to cease using Anthropic (6-month phase-out); DoD designated "
                    "Anthropic a supply-chain risk (10 U.S.C. 3252). GSA removed Anthropic from USAi and the MAS."
                ),
                "source_url": GSA_ANTHROPIC_RELEASE,
                "confidence": "confirmed",
                "note": (
                    "Confirmed by GSA's release and axios.com/2026/02/27/claude-anthropic-trump-government-agencies. "
                    "An FASCSA determination (41 U.S.C. 4713) followed, letter of 3 Mar 2026."
                ),
            },
            {
                "to_status": "contested",
                "effective_on": D(2026, 3, 9),
                "reason": (
                    "Anthropic sued (N.D. Cal. 3:26-cv-01996). On 26 Mar 2026 the court preliminarily enjoined the "
                    "3252 designation and the cease-use directive, in force 3 Apr 2026 (ECF 135); appealed "
                    "(9th Cir. 26-2011)."
                ),
                "source_url": "",
                "confidence": "confirmed",
                "note": (
                    "Suit and injunction confirmed (docs.justia.com, case 3:2026cv01996, doc 135; full address not "
                    "recorded). Reported only (one secondary summary): the government's status report of 6 Apr 2026 "
                    "(ECF 146) says the notices removing Anthropic from USAi and the MAS were rescinded; not recorded "
                    "as a reinstatement. On 8 Apr 2026 the D.C. Circuit (26-1049) denied a stay of the 4713 "
                    "designation; argued 19 May 2026; no decision found."
                ),
            },
        ],
    },
    {
        "vendor": "Google",
        "name": "Gemini for Government",
        "slug": "google-gemini-for-government",
        "kind": "enterprise_saas",
        "description": "Google's Gemini for Government.",
        "fedramp_ids": ["FR2604952026"],
        "agreement": {
            "title": "OneGov agreement: Gemini for Government",
            "price_per_agency": Decimal("0.47"),
            "price_unit": "per agency",
            "announced_on": D(2025, 8, 21),
            "expires_on": D(2026, 12, 31),
            "dates_note": "Announced Thu 21 Aug 2025. 'Extending through 2026': the end of 2026 is taken.",
            "conditions": "",
            "source_url": "https://businessnewsdaily.info/protest-hits-gsas-1-a-year-agreements-with-openai-and-anthropic",
            "contract_vehicle": MAS,
        },
        "history": [
            {
                "to_status": "approved",
                "effective_on": D(2025, 8, 21),
                "reason": APPROVAL_REASON,
                "source_url": "https://businessnewsdaily.info/protest-hits-gsas-1-a-year-agreements-with-openai-and-anthropic",
                "confidence": "confirmed",
                "note": "The CEO's post dated 21 Aug 2025 and a same-day report.",
            }
        ],
    },
    {
        "vendor": "Google",
        "name": "Google Workspace",
        "slug": "google-workspace",
        "kind": "enterprise_saas",
        "description": "Google Workspace under the first OneGov deal.",
        "fedramp_ids": ["F1206081364"],
        "agreement": {
            "title": "OneGov agreement: Google Workspace discount",
            "price_per_agency": None,
            "terms": "71% discount; up to $2B in claimed savings.",
            "announced_on": None,
            "offer_ends_on": D(2025, 9, 30),
            "expires_on": None,
            "dates_note": (
                "Announced early Apr 2025 (the first OneGov deal; the day was not published). The discount was an "
                "offer window ending 30 Sep 2025; orders placed in it run longer (DOT: 5 years, to 2030)."
            ),
            "conditions": "Temporary. DOT used it for a 5-year, $89M-ceiling Workspace contract (awarded 27 Sep 2025).",
            "source_url": (
                "https://washingtontechnology.com/companies/2025/10/"
                "transportation-awards-google-major-contract-after-onegov-deal/409134/"
            ),
            "contract_vehicle": MAS,
        },
        "history": [
            {
                "to_status": "approved",
                "effective_on": None,
                "reason": APPROVAL_REASON,
                "source_url": (
                    "https://washingtontechnology.com/companies/2025/10/"
                    "transportation-awards-google-major-contract-after-onegov-deal/409134/"
                ),
                "confidence": "reported",
                "note": "Announced early Apr 2025; the day was not published.",
            }
        ],
    },
    {
        "vendor": "xAI",
        "name": "Grok for Government",
        "slug": "xai-grok-for-government",
        "kind": "hosted_service",
        "description": "Grok 4 and Grok 4 Fast for government.",
        "fedramp_ids": ["FR2618542150"],
        "agreement": {
            "title": "OneGov agreement: Grok for Government",
            "price_per_agency": Decimal("0.42"),
            "price_unit": "per agency for 18 months",
            "announced_on": D(2025, 9, 25),
            "expires_on": D(2027, 3, 31),
            "dates_note": "'Through Mar 2027' (the longest OneGov AI deal): the end of March 2027 is taken.",
            "conditions": "xAI engineers assist deployment; option to upgrade to enterprise; a path to FedRAMP noted.",
            "source_url": "https://evrimagaci.org/gpt/elon-musks-xai-wins-federal-grok-chatbot-deal-503970",
            "contract_vehicle": MAS,
        },
        "history": [
            {
                "to_status": "approved",
                "effective_on": D(2025, 9, 25),
                "reason": APPROVAL_REASON,
                "source_url": "https://evrimagaci.org/gpt/elon-musks-xai-wins-federal-grok-chatbot-deal-503970",
                "confidence": "confirmed",
            }
        ],
    },
    {
        "vendor": "Microsoft",
        "name": "Microsoft 365 Copilot and cloud",
        "slug": "microsoft-365-copilot",
        "kind": "enterprise_saas",
        "description": "M365 Copilot, M365, Azure, Dynamics 365 and Sentinel.",
        "fedramp_ids": ["F1603087869"],
        "agreement": {
            "title": "OneGov agreement: Microsoft",
            "price_per_agency": None,
            "price_unit": "",
            "terms": (
                "M365 Copilot free for up to 12 months for G5 customers; M365, Azure, Dynamics 365 and Sentinel "
                "discounted, not free (no single price per agency); ~$3.1B first-year savings claimed."
            ),
            "announced_on": D(2025, 9, 2),
            "offer_ends_on": D(2026, 9, 30),
            "expires_on": None,
            "dates_note": (
                "Announced 2 Sep 2025 (one article says 29 Apr 2025: the sources conflict). 30 Sep 2026 is the end "
                "of the opt-in window, not of the terms: discounts run up to 36 months after an agency opts in, so "
                "there is no single end of term."
            ),
            "conditions": "Egress fees waived.",
            "source_url": MICROSOFT_SOURCE,
            "contract_vehicle": MAS,
        },
        "history": [
            {
                "to_status": "approved",
                "effective_on": D(2025, 9, 2),
                "reason": APPROVAL_REASON,
                "source_url": MICROSOFT_SOURCE,
                "confidence": "reported",
                "note": "One article says 29 Apr 2025: the sources conflict.",
            }
        ],
    },
    {
        "vendor": "Amazon Web Services",
        "name": "AWS cloud credits",
        "slug": "aws-cloud-credits",
        "kind": "hosted_service",
        "description": "Cloud credits, modernization and training.",
        "fedramp_ids": ["F1603047866"],
        "agreement": {
            "title": "OneGov agreement: AWS",
            "price_per_agency": None,
            "price_unit": "",
            "terms": "Up to $1B in cloud credits, pooled across civilian agencies; modernization and training.",
            "announced_on": None,
            "expires_on": D(2028, 12, 31),
            "dates_note": "Announced about 7-8 Aug 2025 (the day is not confirmed). Credits usable through 31 Dec 2028.",
            "conditions": "Credits pooled across civilian agencies.",
            "source_url": "https://tempmail.email/aws-commits-to-1-billion-in-cloud-savings-for-u-s-government",
            "contract_vehicle": MAS,
        },
        "history": [
            {
                "to_status": "approved",
                "effective_on": None,
                "reason": APPROVAL_REASON,
                "source_url": "https://tempmail.email/aws-commits-to-1-billion-in-cloud-savings-for-u-s-government",
                "confidence": "reported",
                "note": "Announced about 7-8 Aug 2025; the day is not confirmed.",
            }
        ],
    },
    {
        "vendor": "Oracle",
        "name": "Oracle software licenses and cloud",
        "slug": "oracle-licenses-and-cloud",
        "kind": "hosted_service",
        "description": "Oracle software licenses and cloud infrastructure.",
        "fedramp_ids": ["FR1900048743"],
        "agreement": {
            "title": "OneGov agreement: Oracle",
            "price_per_agency": None,
            "price_unit": "",
            "terms": "75% off some licenses; 'substantial' cloud discounts.",
            "announced_on": None,
            "expires_on": None,
            "end_unknown": True,
            "dates_note": (
                "Announced about Jul 2025 (the day was not published). Temporary; the end is unknown: "
                "'until late November' 2025 is one report only."
            ),
            "conditions": "Temporary.",
            "source_url": "https://aistoriz.com/?p=14110",
            "contract_vehicle": MAS,
        },
        "history": [
            {
                "to_status": "approved",
                "effective_on": None,
                "reason": APPROVAL_REASON,
                "source_url": "https://aistoriz.com/?p=14110",
                "confidence": "reported",
                "note": "Announced about Jul 2025; the day was not published.",
            }
        ],
    },
    {
        "vendor": "Perplexity",
        "name": "Perplexity Enterprise Pro for Government",
        "slug": "perplexity-enterprise-pro",
        "kind": "enterprise_saas",
        "description": (
            "Perplexity Enterprise Pro for Government, reported as the eighth OneGov AI deal at $0.25 per agency "
            "(one secondary source; date not confirmed). No agreement is recorded until a source address is: "
            "the offering stays pending."
        ),
        "fedramp_ids": ["FR2604643715"],
        "agreement": None,
        "history": [],
    },
]

# Corrections of an earlier seed that are recorded (audited) when `seed_onegov` meets them again.
INVENTED_APPROVAL_DATE = D(2025, 4, 1)

# Llama model versions (policy.md §5, 8a): repo ids on the Hub, license ids (the `license:` tag of their
# model cards), release dates (each license's effective date; the Llama 3.1 text is models/llama3_1/LICENSE in
# meta-llama/llama-models) and parameter counts. A count taken from the model's name ("8B") is nominal and labelled so; a manifest sync replaces
# it with the exact count when the Hub publishes safetensors metadata.
NOMINAL = "nominal"
PUBLISHED = "published"
LLAMA_4_BLOG = "huggingface.co/blog/llama4-release (5 Apr 2025)"


def _nominal(repo_id: str, count: int) -> tuple[str, int, str, str]:
    label = next(part for part in repo_id.split("/", 1)[1].split("-") if part[:-1].isdigit() and part[-1] in "Bb")
    return (repo_id, count, NOMINAL, f"Nominal: from the name ('{label}'), not an exact count.")


LLAMA_FAMILIES = [
    (
        "Llama 2",
        "llama2",
        D(2023, 7, 18),
        [
            _nominal("meta-llama/Llama-2-7b-hf", 7_000_000_000),
            _nominal("meta-llama/Llama-2-7b-chat-hf", 7_000_000_000),
            _nominal("meta-llama/Llama-2-13b-hf", 13_000_000_000),
            _nominal("meta-llama/Llama-2-70b-hf", 70_000_000_000),
        ],
    ),
    (
        "Llama 3",
        "llama3",
        D(2024, 4, 18),
        [
            _nominal("meta-llama/Meta-Llama-3-8B", 8_000_000_000),
            _nominal("meta-llama/Meta-Llama-3-8B-Instruct", 8_000_000_000),
            _nominal("meta-llama/Meta-Llama-3-70B-Instruct", 70_000_000_000),
        ],
    ),
    (
        "Llama 3.1",
        "llama3.1",
        D(2024, 7, 23),
        [
            _nominal("meta-llama/Llama-3.1-8B", 8_000_000_000),
            _nominal("meta-llama/Llama-3.1-8B-Instruct", 8_000_000_000),
            _nominal("meta-llama/Llama-3.1-70B-Instruct", 70_000_000_000),
            _nominal("meta-llama/Llama-3.1-405B-Instruct", 405_000_000_000),
        ],
    ),
    (
        "Llama 3.2",
        "llama3.2",
        D(2024, 9, 25),
        [
            ("meta-llama/Llama-3.2-1B", 1_240_000_000, PUBLISHED, "1.24B (the name's '1B' is nominal)."),
            ("meta-llama/Llama-3.2-1B-Instruct", 1_240_000_000, PUBLISHED, "1.24B (the name's '1B' is nominal)."),
            _nominal("meta-llama/Llama-3.2-3B-Instruct", 3_000_000_000),
            _nominal("meta-llama/Llama-3.2-11B-Vision-Instruct", 11_000_000_000),
        ],
    ),
    (
        "Llama 3.3",
        "llama3.3",
        D(2024, 12, 6),
        [
            _nominal("meta-llama/Llama-3.3-70B-Instruct", 70_000_000_000),
        ],
    ),
    (
        "Llama 4",
        "llama4",
        D(2025, 4, 5),
        [
            (
                "meta-llama/Llama-4-Scout-17B-16E-Instruct",
                109_000_000_000,
                PUBLISHED,
                f"109B total, 17B active, 16 experts ({LLAMA_4_BLOG}). '17B' in the name is the active count.",
            ),
            (
                "meta-llama/Llama-4-Maverick-17B-128E-Instruct",
                400_000_000_000,
                PUBLISHED,
                f"~400B total (transformers docs: 402B), 17B active, 128 experts ({LLAMA_4_BLOG}).",
            ),
        ],
    ),
]
