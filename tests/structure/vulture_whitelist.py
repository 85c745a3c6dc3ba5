"""Names vulture reports as unused that are used by name, from outside Python's sight.

Read by `test_dead_code.py` (`vulture tpd_app tests/structure/vulture_whitelist.py`); never imported.
Started from `vulture tpd_app --make-whitelist` and trimmed to one line a name. The groups:

- Pages: `@rx.page` registers each page function with the app; nothing calls it by name.
- Component props: Reflex reads a custom component's `library`, `tag` and `rx.Var` props from the class.
- Table columns: SQLModel fields and the attributes the services set on them are stored, and read
  back by SQL, the audit log and the migrations, not by Python attribute access.
- SQLAlchemy hooks: `TypeDecorator` members SQLAlchemy calls, and `before_insert`/`before_update`
  listeners that `sa.event.listens_for` registers.
- Log records: `logging` reads the `msg` the redacting record factory sets.
- Spreadsheet cells: openpyxl cell and sheet attributes the export sets for Excel to read.
- Course kinds: the `CourseKind` members are the stored values; the code iterates the enum. So do the
  announcement categories and publication states (`domain/portal.py`).
- Audit outcomes: the `AuditOutcome` members are the values the audit log stores; the audit page's
  badge iterates the enum (the services write them as plain strings).
- Navigation rows: the `NavEntry` keys the sidebar reads as `entry["href"]`.
- Permission listing: `allowed_functions` lists the matrix for the permission and navigation tests.
- The reporting API: FastAPI's registered endpoints and handlers, pydantic's `model_config`.
- Middleware: Reflex calls `preprocess` on every middleware the app adds.
- The socket server's manager: python-socketio calls the overridden `basic_disconnect` and `get_rooms`.
- Test hooks: the functions the test fixtures call to reset process-wide engines and settings.
"""

# Pages
apply_page
forgot_page
reset_page
attendance_page
audit_page
autoreview_browse_page
autoreview_settings_page
catalogue_page
confirm_lists_page
county_page
course_browse_own_page
course_detail_page
course_edit_page
course_manage_page
course_register_page
course_review_page
directory_page
entry_page
national_page
own_unit_page
participants_page
password_page
profile_page
registrants_page
report_page
report_permissions_page
roster_page
school_page
school_records_page
subject_center_page
subordinate_page
teacher_apply_page
teacher_records_page
teacher_register_page
teacher_registrations_page
teacher_subscriptions_page
topics_page
api_clients_page
reporting_modes_page
reported_months_page
news_page
faq_page
faq_admin_page
rules_page
rule_document_page
rules_admin_page
guides_page
guides_admin_page
# Rule documents and guide audiences (the pages and services iterate the enums)
USAGE
PRIVACY
TEACHERS
REVIEWERS
newsletter_page
newsletter_issue_page
newsletter_link_page
newsletter_editor_page
newsletter_contribute_page
ACCOUNTS
REGISTRATION
HOURS
REPORTING
OTHER
# Announcement categories and publication states (the pages iterate the enums)
COURSES
SYSTEM
RULES
LIVE
ENDED
saved_by_account_id
news_item_page
announcements_admin_page
unit_contact_page
units_page
help_page
help_ticket_page
helpdesk_page
sso_login_page
sso_policy_page
# The help desk's account kinds (the form iterates the enum); when a ticket was closed (read by SQL and audits)
BUSINESS
closed_at
_.closed_at

# Component props
_.library
_.tag
_.min_height
_.margin

# Table columns
_.acknowledged_by_id
_.actor_teacher_id
_.address
_.applied_at
_.attendance_list_id
_.confirmed_at
_.confirmed_by_account_id
_.created_by_account_id
_.decided_by_account_id
_.decided_by_id
_.fax
_.from_status
_.last_error
_.published_at
_.reported_by_id
_.requested_by_id
_.updated_at
_.updated_by_account_id
_.uploaded_at
_.uploaded_by_account_id
_.website

reported_by_client_id
actor_client_id
rotated_at

# SQLAlchemy hooks
_.impl
_.cache_ok
_.process_bind_param
_.process_result_value
_national_id_must_be_valid
_national_id_is_permanent

# Log records: the redacting record factory rewrites the message the logging handlers read
_.msg

# Spreadsheet cells
_.alignment
_.data_type
_.fill
_.freeze_panes
_.quotePrefix

# Audit outcomes
_.DENIED
_.FAILED
_.LOCKED
_.LOCKOUT
_.INACTIVE

# Course kinds
_.LECTURE
_.WORKSHOP
_.CONFERENCE
_.COMMUNITY
_.OBSERVATION
_.ONLINE
_.FIELD_TRIP

# Navigation rows
_.href

# Permission listing
allowed_functions

# The reporting API (FastAPI): pydantic reads `model_config` from each model class; the app calls the
# endpoint and exception-handler functions its decorators register
model_config
domain_error
rate_limited
invalid
me
put_course
put_attendance
post_batch
get_records
get_courses
masked  # a field of the read-back answer
build_reporting_api  # the factory Granian imports by name in the API process (upstream.serve_api)

# Middleware
preprocess

# Socket manager overrides (python-socketio calls them)
basic_disconnect
get_rooms

# Audit column: who sent a compliance reminder (read in the audit trail and by SQL)
sent_by_account_id

# Test hooks
dispose_engines
reset_settings
disabled  # logging.Logger.disabled: TPD_ACCESS_LOG=off
