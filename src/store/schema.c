/* schema.c: the registry's tables as numbered migrations. SQL is portable: INTEGER ids assigned by
 * the single writer (no AUTOINCREMENT or SERIAL), TEXT timestamps in ISO 8601 UTC. */
#include "schema.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"

typedef struct migration {
    int version;
    const char *sql;
} migration_t;

/* What a migration needs beyond its SQL (specials below). */
typedef struct migration_special {
    int version;
    /* The same change in PostgreSQL's words, where it cannot be the same SQL. */
    const char *postgres_sql;
    /* SQLite: the migration rebuilds a table that others refer to, so it runs with foreign key
     * enforcement off (SQLite's documented procedure) and checks every reference before commit. */
    bool foreign_keys_off;
} migration_special_t;

static const migration_t migrations[] = {
    {1, "CREATE TABLE registry_meta ("
        "  name TEXT PRIMARY KEY,"
        "  value TEXT NOT NULL);"
        "CREATE TABLE accounts ("
        "  id INTEGER PRIMARY KEY,"
        "  holder TEXT NOT NULL,"
        "  type TEXT NOT NULL,"
        "  party TEXT NOT NULL,"
        "  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),"
        "  opened_at TEXT NOT NULL,"
        "  closed_at TEXT,"
        "  last_transaction INTEGER);"
        "CREATE TABLE issuances ("
        "  id INTEGER PRIMARY KEY,"
        "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
        "  unit_type TEXT NOT NULL,"
        "  vintage INTEGER NOT NULL,"
        "  first_serial INTEGER NOT NULL,"
        "  last_serial INTEGER NOT NULL,"
        "  quantity INTEGER NOT NULL CHECK (quantity = last_serial - first_serial + 1),"
        "  created_at TEXT NOT NULL);"
        "CREATE TABLE blocks ("
        "  id INTEGER PRIMARY KEY,"
        "  issuance_id INTEGER NOT NULL REFERENCES issuances(id),"
        "  account_id INTEGER NOT NULL REFERENCES accounts(id),"
        "  first_serial INTEGER NOT NULL CHECK (first_serial > 0),"
        "  last_serial INTEGER NOT NULL CHECK (last_serial >= first_serial),"
        "  vintage INTEGER NOT NULL,"
        "  unit_type TEXT NOT NULL);"
        "CREATE INDEX blocks_by_account ON blocks(account_id, vintage, first_serial);"
        "CREATE UNIQUE INDEX blocks_by_last ON blocks(last_serial);"
        "CREATE TABLE transactions ("
        "  id INTEGER PRIMARY KEY,"
        "  type TEXT NOT NULL,"
        "  from_account INTEGER REFERENCES accounts(id),"
        "  to_account INTEGER NOT NULL REFERENCES accounts(id),"
        "  quantity INTEGER NOT NULL CHECK (quantity > 0),"
        "  status TEXT NOT NULL,"
        "  actor TEXT NOT NULL,"
        "  idempotency_key TEXT UNIQUE,"
        "  request_hash TEXT,"
        "  created_at TEXT NOT NULL,"
        /* Each account's transactions form a chain, newest first (accounts.last_transaction):
         * history reads follow it without per-account indexes that every write would scatter. */
        "  from_previous INTEGER,"
        "  to_previous INTEGER);"
        "CREATE TABLE transaction_blocks ("
        "  transaction_id INTEGER NOT NULL REFERENCES transactions(id),"
        "  issuance_id INTEGER NOT NULL REFERENCES issuances(id),"
        "  first_serial INTEGER NOT NULL,"
        "  last_serial INTEGER NOT NULL,"
        "  vintage INTEGER NOT NULL,"
        "  PRIMARY KEY (transaction_id, first_serial));"
        "CREATE TABLE audit_log ("
        "  seq INTEGER PRIMARY KEY,"
        "  time TEXT NOT NULL,"
        "  actor TEXT NOT NULL,"
        "  action TEXT NOT NULL,"
        "  object TEXT NOT NULL,"
        "  payload TEXT NOT NULL,"
        "  prev_hash TEXT NOT NULL,"
        "  hash TEXT NOT NULL);"},
    {2, "CREATE TABLE methodologies ("
        "  id INTEGER PRIMARY KEY,"
        "  code TEXT NOT NULL,"
        "  version TEXT NOT NULL," /* '' when not published */
        "  title TEXT,"
        "  sectoral_scope TEXT,"
        "  status TEXT NOT NULL,"
        "  approved_on TEXT,"
        "  created_at TEXT NOT NULL);"
        "CREATE UNIQUE INDEX methodologies_by_code ON methodologies(code, version);"
        "CREATE TABLE activities ("
        "  id INTEGER PRIMARY KEY,"
        "  ref TEXT NOT NULL UNIQUE,"
        "  kind TEXT NOT NULL,"
        "  parent_id INTEGER REFERENCES activities(id),"
        "  title TEXT NOT NULL,"
        "  state TEXT NOT NULL,"
        "  host_party TEXT NOT NULL,"
        "  partner_party TEXT,"
        "  technology_group TEXT,"
        "  sector TEXT,"
        "  location TEXT,"
        "  expected_annual_tco2e INTEGER,"
        "  expected_source TEXT,"
        "  crediting_start TEXT,"
        "  crediting_end TEXT,"
        "  eligibility_criteria TEXT,"
        "  coordinating_entity TEXT,"
        "  registered_on TEXT,"
        "  created_at TEXT NOT NULL);"
        "CREATE INDEX activities_by_parent ON activities(parent_id);"
        "CREATE TABLE activity_participants ("
        "  activity_id INTEGER NOT NULL REFERENCES activities(id),"
        "  side TEXT NOT NULL,"
        "  position INTEGER NOT NULL,"
        "  name TEXT NOT NULL,"
        "  PRIMARY KEY (activity_id, side, position));"
        "CREATE TABLE activity_methodologies ("
        "  activity_id INTEGER NOT NULL REFERENCES activities(id),"
        "  methodology_id INTEGER NOT NULL REFERENCES methodologies(id),"
        "  PRIMARY KEY (activity_id, methodology_id));"
        "CREATE TABLE activity_events ("
        "  id INTEGER PRIMARY KEY,"
        "  activity_id INTEGER NOT NULL REFERENCES activities(id),"
        "  event TEXT NOT NULL,"
        "  from_state TEXT,"
        "  to_state TEXT NOT NULL,"
        "  occurred_on TEXT," /* NULL when the public record has no date */
        "  actor TEXT NOT NULL,"
        "  role TEXT NOT NULL,"
        "  document_title TEXT,"
        "  document_url TEXT,"
        "  document_sha256 TEXT,"
        "  recorded_at TEXT NOT NULL);"
        "CREATE INDEX activity_events_by_activity ON activity_events(activity_id, id);"
        "CREATE TABLE monitoring_periods ("
        "  id INTEGER PRIMARY KEY,"
        "  activity_id INTEGER NOT NULL REFERENCES activities(id),"
        "  start_on TEXT,"
        "  end_on TEXT,"
        "  claimed_tco2e INTEGER,"
        "  verified_tco2e INTEGER,"
        "  notified_tco2e INTEGER,"
        "  reported_on TEXT,"
        "  verified_on TEXT,"
        "  requested_on TEXT,"
        "  notified_on TEXT,"
        "  issued_on TEXT,"
        "  stage TEXT NOT NULL,"
        "  import_key TEXT UNIQUE,"
        "  note TEXT,"
        "  created_at TEXT NOT NULL);"
        "CREATE INDEX monitoring_periods_by_activity ON monitoring_periods(activity_id, id);"
        "CREATE TABLE allocations ("
        "  id INTEGER PRIMARY KEY,"
        "  period_id INTEGER NOT NULL REFERENCES monitoring_periods(id),"
        "  side TEXT NOT NULL,"
        "  holder TEXT NOT NULL,"
        "  quantity INTEGER NOT NULL CHECK (quantity > 0),"
        "  status TEXT NOT NULL," /* notified, issued, notified_to_partner */
        "  account_id INTEGER REFERENCES accounts(id),"
        "  issuance_id INTEGER REFERENCES issuances(id));"
        "CREATE INDEX allocations_by_period ON allocations(period_id, id);"
        "ALTER TABLE issuances ADD COLUMN period_id INTEGER REFERENCES monitoring_periods(id);"},
    {3, "CREATE TABLE users ("
        "  id INTEGER PRIMARY KEY,"
        "  name TEXT NOT NULL UNIQUE,"
        "  role TEXT NOT NULL,"
        "  holder TEXT,"        /* the account holder a participant acts for */
        "  password_hash TEXT," /* Argon2id (libsodium crypto_pwhash_str), NULL until set */
        "  status TEXT NOT NULL,"
        "  created_at TEXT NOT NULL);"
        "CREATE TABLE tokens ("
        "  id INTEGER PRIMARY KEY,"
        "  user_id INTEGER NOT NULL REFERENCES users(id),"
        "  token_hash TEXT NOT NULL UNIQUE," /* SHA-256 of the token: the token itself is never
                                                stored */
        "  created_at TEXT NOT NULL,"
        "  expires_at TEXT NOT NULL,"
        "  revoked_at TEXT);"
        "CREATE TABLE approvals ("
        "  id INTEGER PRIMARY KEY,"
        "  type TEXT NOT NULL,"
        "  from_account INTEGER NOT NULL REFERENCES accounts(id),"
        "  to_account INTEGER NOT NULL REFERENCES accounts(id),"
        "  quantity INTEGER NOT NULL,"
        "  vintage INTEGER NOT NULL,"
        "  unit_type TEXT," /* NULL: any */
        "  blocks TEXT,"    /* explicit serial ranges as JSON [[first, last], ...], or NULL */
        "  holder TEXT NOT NULL,"
        "  requested_by INTEGER NOT NULL REFERENCES users(id),"
        "  idempotency_key TEXT UNIQUE,"
        "  status TEXT NOT NULL," /* awaiting_approval, completed, rejected */
        "  approved_by INTEGER REFERENCES users(id),"
        "  transaction_id INTEGER REFERENCES transactions(id),"
        "  created_at TEXT NOT NULL,"
        "  decided_at TEXT);"},
    {4, "CREATE TABLE ndc ("
        "  id INTEGER PRIMARY KEY CHECK (id = 1)," /* one NDC: the host Party's */
        "  first_year INTEGER NOT NULL,"
        "  last_year INTEGER NOT NULL,"
        "  target_year INTEGER NOT NULL,"
        "  bau_tco2e INTEGER,"
        "  unconditional_bp INTEGER,"
        "  conditional_bp INTEGER,"
        "  method TEXT NOT NULL,"
        "  budget_tco2e INTEGER,"
        "  updated_at TEXT NOT NULL);"
        "CREATE TABLE ndc_years ("
        "  year INTEGER PRIMARY KEY,"
        "  emissions_tco2e INTEGER," /* national inventory (or projection); NULL when unknown */
        "  trajectory_tco2e INTEGER,"
        "  updated_at TEXT NOT NULL);"
        /* ITMOs first transferred by the host and ITMOs acquired and used towards its NDC, by
         * year: the F(t) and U(t) of the emissions balance. */
        "CREATE TABLE first_transfers ("
        "  id INTEGER PRIMARY KEY,"
        "  year INTEGER NOT NULL,"
        "  quantity INTEGER NOT NULL CHECK (quantity > 0),"
        "  issuance_id INTEGER REFERENCES issuances(id),"
        "  first_serial INTEGER,"
        "  last_serial INTEGER,"
        "  acquiring_party TEXT,"
        "  occurred_on TEXT NOT NULL,"
        "  created_at TEXT NOT NULL);"
        "CREATE TABLE ndc_uses ("
        "  id INTEGER PRIMARY KEY,"
        "  year INTEGER NOT NULL,"
        "  quantity INTEGER NOT NULL CHECK (quantity > 0),"
        "  transaction_id INTEGER REFERENCES transactions(id),"
        "  created_at TEXT NOT NULL);"},
    {5, "CREATE TABLE policies ("
        "  version INTEGER PRIMARY KEY,"
        "  body TEXT NOT NULL," /* the national authorization framework, canonical JSON */
        "  actor TEXT NOT NULL,"
        "  created_at TEXT NOT NULL);"
        "CREATE TABLE authorizations ("
        "  id INTEGER PRIMARY KEY,"
        "  activity_id INTEGER NOT NULL REFERENCES activities(id),"
        "  approach_id TEXT NOT NULL,"
        "  version INTEGER NOT NULL,"
        "  purpose TEXT NOT NULL,"
        "  quantity INTEGER NOT NULL CHECK (quantity > 0),"
        "  timeframe_first INTEGER NOT NULL,"
        "  timeframe_last INTEGER NOT NULL,"
        "  first_transfer_year INTEGER,"
        "  policy_version INTEGER NOT NULL REFERENCES policies(version),"
        "  evaluation TEXT NOT NULL," /* every rule's result, JSON */
        "  status TEXT NOT NULL,"     /* requested, authorized, declined */
        "  requested_by TEXT NOT NULL,"
        "  requested_at TEXT NOT NULL,"
        "  decided_by TEXT,"
        "  decided_on TEXT);"
        "CREATE INDEX authorizations_by_activity ON authorizations(activity_id);"},
    {6, /* Article 6.2 units and reporting: cooperative approaches, authorized entities (T5),
         * ITMO issuance, AEF actions (T3), report submissions and frozen holdings (T1, T4). */
        "CREATE TABLE approaches ("
        "  id TEXT PRIMARY KEY," /* CA0001 */
        "  name TEXT NOT NULL,"
        "  host_party TEXT NOT NULL,"
        "  partner_party TEXT NOT NULL,"
        "  partner_registry TEXT NOT NULL,"
        "  ndc_first_transfer TEXT NOT NULL," /* 'international transfer' or 'issuance' */
        "  unit_registry TEXT,"               /* underlying unit registry (JCM) */
        "  created_at TEXT NOT NULL);"
        "CREATE TABLE entities ("
        "  id INTEGER PRIMARY KEY,"
        "  name TEXT NOT NULL UNIQUE,"
        "  country TEXT NOT NULL,"
        "  identification TEXT NOT NULL,"
        "  approach_id TEXT NOT NULL REFERENCES approaches(id),"
        "  conditions TEXT,"
        "  change_conditions TEXT,"
        "  authorized_on TEXT NOT NULL,"
        "  created_at TEXT NOT NULL);"
        "ALTER TABLE authorizations ADD COLUMN oimp_first_transfer TEXT;"
        "ALTER TABLE authorizations ADD COLUMN entities TEXT;" /* JSON list of entity names */
        "ALTER TABLE authorizations ADD COLUMN terms TEXT;"
        "ALTER TABLE authorizations ADD COLUMN revoked_on TEXT;"
        "ALTER TABLE authorizations ADD COLUMN mitigation_type TEXT;"
        "ALTER TABLE issuances ADD COLUMN authorization_id INTEGER REFERENCES authorizations(id);"
        "ALTER TABLE first_transfers ADD COLUMN authorization_id INTEGER;"
        "CREATE INDEX first_transfers_by_last ON first_transfers(last_serial);"
        "CREATE TABLE aef_actions ("
        "  id INTEGER PRIMARY KEY,"
        "  action_date TEXT NOT NULL," /* YYYY-MM-DD, UTC */
        "  action_type TEXT NOT NULL,"
        "  action_subtype TEXT,"
        "  approach_id TEXT NOT NULL,"
        "  authorization_id INTEGER NOT NULL REFERENCES authorizations(id),"
        "  first_transferring_party TEXT NOT NULL,"
        "  registry_id TEXT NOT NULL,"
        "  first_serial INTEGER NOT NULL,"
        "  last_serial INTEGER NOT NULL,"
        "  unit_registry TEXT,"
        "  quantity INTEGER NOT NULL CHECK (quantity = last_serial - first_serial + 1),"
        "  mitigation_type TEXT NOT NULL,"
        "  vintage INTEGER NOT NULL,"
        "  transferring_party TEXT,"
        "  acquiring_party TEXT,"
        "  purpose TEXT,"
        "  using_party TEXT,"
        "  using_entity TEXT,"
        "  ndc_year INTEGER,"
        "  transaction_id INTEGER REFERENCES transactions(id),"
        "  issuance_id INTEGER REFERENCES issuances(id),"
        "  created_at TEXT NOT NULL);"
        "CREATE INDEX aef_actions_by_date ON aef_actions(action_date, id);"
        "CREATE TABLE aef_submissions ("
        "  year INTEGER NOT NULL,"
        "  version TEXT NOT NULL,"
        "  submitted_on TEXT NOT NULL,"
        "  actor TEXT NOT NULL,"
        "  PRIMARY KEY (year, version));"
        "CREATE TABLE aef_holdings ("
        "  year INTEGER NOT NULL,"
        "  first_serial INTEGER NOT NULL,"
        "  last_serial INTEGER NOT NULL,"
        "  approach_id TEXT NOT NULL,"
        "  authorization_id INTEGER NOT NULL,"
        "  first_transferring_party TEXT NOT NULL,"
        "  registry_id TEXT NOT NULL,"
        "  unit_registry TEXT,"
        "  mitigation_type TEXT NOT NULL,"
        "  vintage INTEGER NOT NULL,"
        "  PRIMARY KEY (year, first_serial));"},
    {7, /* a held retirement or cancellation keeps its Article 6 meaning until approved */
        "ALTER TABLE approvals ADD COLUMN article6 TEXT;"},
    {8, /* partner registries and the signed messages exchanged with them */
        "CREATE TABLE partners ("
        "  id TEXT PRIMARY KEY," /* registry ID, JPN01 */
        "  url TEXT NOT NULL,"   /* base URL of its API */
        "  public_key TEXT NOT NULL," /* Ed25519, hex */
        "  next_out_sequence INTEGER NOT NULL,"
        "  last_in_sequence INTEGER NOT NULL,"
        "  created_at TEXT NOT NULL);"
        "CREATE TABLE messages ("
        "  id TEXT PRIMARY KEY," /* 32 hex digits, unique across registries */
        "  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),"
        "  partner TEXT NOT NULL REFERENCES partners(id),"
        "  sequence INTEGER NOT NULL,"
        "  type TEXT NOT NULL,"
        "  envelope TEXT NOT NULL," /* the signed envelope, as sent or received */
        "  status TEXT NOT NULL,"   /* out: queued, answered; in: processed */
        "  answer TEXT,"            /* the signed answer envelope */
        "  attempts INTEGER NOT NULL,"
        "  next_attempt_at TEXT,"
        "  last_error TEXT,"
        "  created_at TEXT NOT NULL,"
        "  answered_at TEXT);"
        "CREATE INDEX messages_queue ON messages(direction, status, partner, sequence);"},
    {9, /* external transfers; units acquired from a partner keep their serials in its registry */
        "ALTER TABLE issuances ADD COLUMN origin_registry TEXT;"
        "ALTER TABLE issuances ADD COLUMN origin_first INTEGER;"
        "CREATE INDEX issuances_by_origin ON issuances(origin_registry, origin_first);"
        "CREATE TABLE external_transfers ("
        "  id INTEGER PRIMARY KEY,"
        "  direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),"
        "  partner TEXT NOT NULL REFERENCES partners(id),"
        "  partner_transfer INTEGER," /* in: the sender's transfer id */
        "  message_id TEXT NOT NULL,"  /* the proposal */
        "  status TEXT NOT NULL,"      /* out: proposed, completed, terminated; in: accepted */
        "  from_account INTEGER REFERENCES accounts(id),"
        "  pending_account INTEGER REFERENCES accounts(id),"
        "  to_account INTEGER NOT NULL," /* out: the partner's account; in: ours */
        "  quantity INTEGER NOT NULL CHECK (quantity > 0),"
        "  blocks TEXT NOT NULL," /* the blocks as proposed, in their origin registries' serials */
        "  transaction_id INTEGER REFERENCES transactions(id),"
        "  created_at TEXT NOT NULL,"
        "  decided_at TEXT);"},
    {10, /* reconciliation with partners: where acquired units came from, and frozen blocks */
        "ALTER TABLE issuances ADD COLUMN acquired_from TEXT;"
        "CREATE TABLE frozen_blocks ("
        "  id INTEGER PRIMARY KEY,"
        "  partner TEXT NOT NULL,"
        "  origin TEXT NOT NULL,"
        "  origin_first INTEGER NOT NULL,"
        "  origin_last INTEGER NOT NULL,"
        "  local_first INTEGER," /* the units here, NULL when this registry does not hold them */
        "  local_last INTEGER,"
        "  reason TEXT NOT NULL,"
        "  created_at TEXT NOT NULL,"
        "  resolved_at TEXT,"
        "  resolved_by TEXT);"},
    {11, /* units issued straight into a partner registry's account, announced to it (JCM) */
        "CREATE TABLE announcements ("
        "  issuance_id INTEGER PRIMARY KEY REFERENCES issuances(id),"
        "  partner TEXT NOT NULL REFERENCES partners(id),"
        "  message_id TEXT NOT NULL,"
        "  created_at TEXT NOT NULL);"
        /* the delivery pass looks for them several times a second, from the partner accounts */
        "CREATE INDEX issuances_by_account ON issuances(account_id);"},
    {12, /* ITMOs acquired from a partner keep what identifies them (the AEF unique identifier) */
        "ALTER TABLE issuances ADD COLUMN itmo_approach TEXT;"
        "ALTER TABLE issuances ADD COLUMN itmo_authorization TEXT;"
        "ALTER TABLE issuances ADD COLUMN itmo_party TEXT;"},
    {13, /* a transaction's blocks are stored in their primary key's own b-tree (SQLite): one
          * b-tree write per block moved instead of two (bench/ledger) */
        "CREATE TABLE transaction_blocks_by_key ("
        "  transaction_id INTEGER NOT NULL REFERENCES transactions(id),"
        "  issuance_id INTEGER NOT NULL REFERENCES issuances(id),"
        "  first_serial INTEGER NOT NULL,"
        "  last_serial INTEGER NOT NULL,"
        "  vintage INTEGER NOT NULL,"
        "  PRIMARY KEY (transaction_id, first_serial)) WITHOUT ROWID;"
        "INSERT INTO transaction_blocks_by_key(transaction_id, issuance_id, first_serial, "
        "  last_serial, vintage) "
        "SELECT transaction_id, issuance_id, first_serial, last_serial, vintage "
        "FROM transaction_blocks;"
        "DROP TABLE transaction_blocks;"
        "ALTER TABLE transaction_blocks_by_key RENAME TO transaction_blocks;"},
    {14, /* idempotency keys are unique where they exist: a transaction without one (most) no
          * longer adds an entry to the keys' index (bench/ledger: a b-tree insert per transfer) */
        "CREATE TABLE transactions_rebuilt ("
        "  id INTEGER PRIMARY KEY,"
        "  type TEXT NOT NULL,"
        "  from_account INTEGER REFERENCES accounts(id),"
        "  to_account INTEGER NOT NULL REFERENCES accounts(id),"
        "  quantity INTEGER NOT NULL CHECK (quantity > 0),"
        "  status TEXT NOT NULL,"
        "  actor TEXT NOT NULL,"
        "  idempotency_key TEXT,"
        "  request_hash TEXT,"
        "  created_at TEXT NOT NULL,"
        "  from_previous INTEGER,"
        "  to_previous INTEGER);"
        "INSERT INTO transactions_rebuilt(id, type, from_account, to_account, quantity, status, "
        "  actor, idempotency_key, request_hash, created_at, from_previous, to_previous) "
        "SELECT id, type, from_account, to_account, quantity, status, actor, idempotency_key, "
        "  request_hash, created_at, from_previous, to_previous FROM transactions;"
        "DROP TABLE transactions;"
        "ALTER TABLE transactions_rebuilt RENAME TO transactions;"
        "CREATE UNIQUE INDEX transactions_by_idempotency_key ON transactions(idempotency_key) "
        "  WHERE idempotency_key IS NOT NULL;"},
    {15, /* each account's chain head (see migration 1) in a narrow table of its own: a transfer
          * rewrites two rows of two columns instead of two whole accounts rows (bench/ledger:
          * about 4,000 instead of 6,600 instructions each); an account has a row from its first
          * transaction on */
        "CREATE TABLE account_heads ("
        "  account_id INTEGER PRIMARY KEY REFERENCES accounts(id),"
        "  last_transaction INTEGER NOT NULL);"
        "INSERT INTO account_heads(account_id, last_transaction) "
        "SELECT id, last_transaction FROM accounts WHERE last_transaction IS NOT NULL;"
        "ALTER TABLE accounts DROP COLUMN last_transaction;"},
};

static const migration_special_t specials[] = {
    {14, /* other tables refer to transactions: PostgreSQL drops the column's constraint in place,
          * SQLite rebuilds the table with foreign keys off */
        "ALTER TABLE transactions DROP CONSTRAINT transactions_idempotency_key_key;"
        "CREATE UNIQUE INDEX transactions_by_idempotency_key ON transactions(idempotency_key) "
        "  WHERE idempotency_key IS NOT NULL;",
        true},
};

static const migration_special_t *special_of(int version)
{
    for (size_t i = 0; i < sizeof specials / sizeof specials[0]; i++)
        if (specials[i].version == version) return &specials[i];
    return NULL;
}

int schema_version_latest(void)
{
    return migrations[sizeof migrations / sizeof migrations[0] - 1].version;
}

static int schema_version_current(db_t *db, int *version, db_error_t *err)
{
    static const char sql[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
    db_stmt_t *stmt = db_prepare(db, sql, err);
    if (!stmt) return DB_ERROR;
    int rc = db_step(stmt, err);
    if (rc != DB_ROW) return rc < 0 ? rc : DB_ERROR;
    *version = (int)db_column_int64(stmt, 0);
    db_reset(stmt);
    return 0;
}

/* Fails when any foreign key of the database points nowhere (SQLite's foreign_key_check). */
static int references_intact(db_t *db, db_error_t *err)
{
    db_stmt_t *stmt = db_prepare_uncached(db, "PRAGMA foreign_key_check", err);
    if (!stmt) return DB_ERROR;
    int rc = db_step(stmt, err);
    if (rc == DB_ROW)
        rc = db_error_set(err, DB_ERROR, "migration: a row of %s refers to a missing row of %s",
                          db_column_text(stmt, 0), db_column_text(stmt, 2));
    db_finalize(stmt);
    return rc < 0 ? rc : 0;
}

/* Applies one migration in its own transaction, with its schema_migrations record. */
static int migration_apply(db_t *db, const migration_t *m, db_error_t *err)
{
    bool postgres = strcmp(db_driver_name(db), "postgres") == 0;
    const migration_special_t *special = special_of(m->version);
    const char *sql = postgres && special && special->postgres_sql ? special->postgres_sql : m->sql;
    bool keys_off = special && special->foreign_keys_off && !postgres;
    int rc;
    /* the pragma is a no-op inside a transaction: it is set before BEGIN, and set back after */
    if (keys_off && (rc = db_exec(db, "PRAGMA foreign_keys=OFF", err)) < 0) return rc;
    if ((rc = db_begin(db, err)) == 0) {
        char now[CLOCK_ISO_SIZE], record[160];
        clock_now_iso(now);
        snprintf(record, sizeof record,
                 "INSERT INTO schema_migrations(version, applied_at) VALUES (%d, '%s')", m->version,
                 now);
        if ((rc = db_exec(db, sql, err)) < 0 || (rc = db_exec(db, record, err)) < 0 ||
            (keys_off && (rc = references_intact(db, err)) < 0)) {
            db_error_t ignored;
            db_rollback(db, &ignored);
        } else {
            rc = db_commit(db, err);
        }
    }
    if (keys_off) {
        db_error_t restore_err = {0};
        int restored = db_exec(db, "PRAGMA foreign_keys=ON", &restore_err);
        if (rc == 0 && restored < 0) {
            *err = restore_err;
            rc = restored;
        }
    }
    return rc;
}

int schema_migrate(db_t *db, db_error_t *err)
{
    int rc = db_exec(db,
                     "CREATE TABLE IF NOT EXISTS schema_migrations ("
                     "  version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
                     err);
    if (rc < 0) return rc;
    int current = 0;
    if ((rc = schema_version_current(db, &current, err)) < 0) return rc;
    if (current > schema_version_latest())
        return db_error_set(err, DB_ERROR,
                            "database schema version %d is newer than this build (%d)", current,
                            schema_version_latest());
    for (size_t i = 0; i < sizeof migrations / sizeof migrations[0]; i++) {
        if (migrations[i].version <= current) continue;
        if ((rc = migration_apply(db, &migrations[i], err)) < 0) return rc;
    }
    return 0;
}
