"""What may leave the portal through the API and the open-data files: every field, classified.

Issue 24, item 6: no personal data leaves (no member names or addresses, no responses, no
candidate profiles, no amounts). A test walks every column of the dumps (api/dumps.py COLUMNS)
against the allow-list below, so a new column fails until someone decides it is public.
"""

# The open-data files' columns (api/dumps.py), each with why it may be published.
DUMP_COLUMNS_ALLOWED = {
    # The organisation as its public profile shows it.
    "enterprise_number": "public in the KBO and on the profile",
    "name": "the organisation's name, on the profile",
    "kind": "on the profile",
    "url": "the profile's address",
    # Contact details: only those the organisation shows (Organisation.public_*), else "".
    "street": "the business address, unless hidden on the profile",
    "postcode": "places the organisation in the directory, always public",
    "municipality": "idem",
    "municipality_nis": "idem, Statbel's code",
    "province_nis": "idem, Statbel's code",
    "website": "unless hidden on the profile",
    "email": "the organisation's address, unless hidden on the profile",
    "phone": "the organisation's number, unless hidden on the profile",
    "services": "service categories and radius, on the profile",
    "recognitions": "on the profile",
    "procurement_routes": "follows from the recognitions (procurement.Eligibility)",
    "verified": "on the profile",
    "verified_on": "on the profile ('verified on ...'); not who verified",
    "details_confirmed_on": "the profile says when its details were last confirmed",
    "updated_at": "when the listing last changed; no person's action is named",
}
