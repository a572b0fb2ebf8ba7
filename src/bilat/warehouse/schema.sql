-- The canonical schema of the bilat warehouse (DuckDB).
-- Base tables hold what was read, one row per source row, typed and normalised; derived
-- tables (derived.sql) are rebuilt from them after every ingest. Every row of a base table
-- carries the source file and line it came from.

-- One row per file (or zip member) whose rows are in the warehouse.
CREATE TABLE IF NOT EXISTS sources (
    source_id INTEGER PRIMARY KEY,
    path VARCHAR NOT NULL,            -- file as given to `bilat ingest`
    member VARCHAR,                   -- member inside a zip, if any
    layout VARCHAR NOT NULL,          -- recognised layout, e.g. cordis-organization
    kind VARCHAR NOT NULL,            -- table it feeds: project, organization, topics, ...
    programme VARCHAR NOT NULL,       -- FP7, H2020, HE, or ALL for reference lists
    encoding VARCHAR NOT NULL,        -- utf-8, utf-16, cp1252, latin-1 or xlsx
    snapshot_date DATE,               -- latest date of the data itself, when it has one
    snapshot_basis VARCHAR,           -- what the snapshot date was read from
    sha256 VARCHAR NOT NULL,          -- of the bytes parsed (decompressed)
    rows_read BIGINT NOT NULL,        -- records found = loaded + quarantined
    rows_loaded BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    rows_recovered BIGINT NOT NULL,   -- split by stray quotes, rebuilt, and loaded
    value_issues BIGINT NOT NULL,     -- values that did not parse (row kept, value missing)
    loaded_at TIMESTAMP NOT NULL
);

-- Rows that could not be read as records, with their raw text; recovered ones too, flagged.
CREATE TABLE IF NOT EXISTS quarantine (
    source_id INTEGER NOT NULL,
    line BIGINT,
    reason VARCHAR NOT NULL,
    raw_text VARCHAR NOT NULL,
    recovered BOOLEAN NOT NULL
);

-- Values that did not parse; the row is loaded with the value missing.
CREATE TABLE IF NOT EXISTS value_issues (
    source_id INTEGER NOT NULL,
    line BIGINT,
    field VARCHAR NOT NULL,
    raw_value VARCHAR NOT NULL,
    reason VARCHAR NOT NULL
);

-- Odd but usable values (unknown country code, blank activity type), counted per source.
CREATE TABLE IF NOT EXISTS load_warnings (
    source_id INTEGER NOT NULL,
    warning VARCHAR NOT NULL,
    value VARCHAR,
    rows BIGINT NOT NULL
);

-- One row per participation (organisation in a project, in one role).
CREATE TABLE IF NOT EXISTS participation_rows (
    programme VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,         -- cordis (organization table) or dashboard (export)
    project_id BIGINT NOT NULL,
    project_acronym VARCHAR,
    pic BIGINT,                       -- participant identification code (organisationID)
    role VARCHAR,                     -- coordinator, participant, associatedPartner, ...
    role_raw VARCHAR,                 -- as written in the file
    order_no INTEGER,
    name VARCHAR,
    short_name VARCHAR,
    vat_number VARCHAR,
    sme BOOLEAN,
    activity_type VARCHAR,            -- HES, REC, PRC, PUB, OTH; NULL when blank
    street VARCHAR,
    post_code VARCHAR,
    city VARCHAR,
    country VARCHAR,                  -- CORDIS code as given (UK, EL, XK)
    country_iso VARCHAR,              -- ISO 3166-1 alpha-2 (GB, GR, XK)
    nuts_code VARCHAR,
    latitude DOUBLE,                  -- NULL when missing or a country-centre placeholder
    longitude DOUBLE,
    geolocation_placeholder BOOLEAN NOT NULL,
    us_state VARCHAR,                 -- two-letter code, US organisations only
    us_state_basis VARCHAR,           -- zip, address or city
    organization_url VARCHAR,
    ec_contribution DECIMAL(18, 2),
    net_ec_contribution DECIMAL(18, 2),
    total_cost DECIMAL(18, 2),
    end_of_participation BOOLEAN,
    active BOOLEAN,
    content_update TIMESTAMP,
    rcn BIGINT,
    source_id INTEGER NOT NULL,
    source_line BIGINT
);

-- One row per project record of a project table (absent for HE here: no project.csv).
CREATE TABLE IF NOT EXISTS project_records (
    programme VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    project_id BIGINT NOT NULL,
    acronym VARCHAR,
    status VARCHAR,
    title VARCHAR,
    start_date DATE,
    end_date DATE,
    total_cost DECIMAL(18, 2),
    ec_max_contribution DECIMAL(18, 2),
    legal_basis VARCHAR,
    topics VARCHAR,
    signature_date DATE,
    framework_programme VARCHAR,
    master_call VARCHAR,
    sub_call VARCHAR,
    funding_scheme VARCHAR,
    nature VARCHAR,
    objective VARCHAR,
    keywords VARCHAR,
    content_update TIMESTAMP,
    rcn BIGINT,
    grant_doi VARCHAR,
    source_id INTEGER NOT NULL,
    source_line BIGINT
);

CREATE TABLE IF NOT EXISTS project_topics (
    programme VARCHAR NOT NULL,
    project_id BIGINT NOT NULL,
    topic VARCHAR,
    title VARCHAR,
    source_id INTEGER NOT NULL,
    source_line BIGINT
);

CREATE TABLE IF NOT EXISTS project_legal_basis (
    programme VARCHAR NOT NULL,
    project_id BIGINT NOT NULL,
    legal_basis VARCHAR,
    title VARCHAR,
    unique_programme_part BOOLEAN,    -- the one line each project is counted under
    source_id INTEGER NOT NULL,
    source_line BIGINT
);

-- EuroSciVoc fields of science of each project; level1/level2 are the top two path steps.
CREATE TABLE IF NOT EXISTS project_fields (
    programme VARCHAR NOT NULL,
    project_id BIGINT NOT NULL,
    code VARCHAR,
    path VARCHAR,
    title VARCHAR,
    level1 VARCHAR,
    level2 VARCHAR,
    source_id INTEGER NOT NULL,
    source_line BIGINT
);

CREATE TABLE IF NOT EXISTS ref_programmes (
    programme VARCHAR,
    code VARCHAR NOT NULL,
    title VARCHAR,
    short_title VARCHAR,
    parent VARCHAR,
    source_id INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS ref_funding_schemes (
    code VARCHAR NOT NULL,
    title VARCHAR,
    source_id INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS ref_countries (
    cordis_code VARCHAR NOT NULL,
    iso_code VARCHAR,
    name VARCHAR,
    source_id INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS euroscivoc_concepts (
    concept VARCHAR NOT NULL,
    broader VARCHAR,
    label VARCHAR,
    source_id INTEGER NOT NULL
);

-- Earlier participations kept as evidence for partner search only (never counted by the
-- indicators): the reduced Horizon 2020 participation table of the December 2020 CORDIS
-- release (zambujo/eunets), keyed by the project's RCN, not its grant number.
CREATE TABLE IF NOT EXISTS record_participations (
    programme VARCHAR NOT NULL,       -- H2020
    project_rcn BIGINT NOT NULL,      -- CORDIS record number of the project
    pic BIGINT,
    role VARCHAR,                     -- coordinator, participant or partner, as given
    activity_type VARCHAR,            -- HES, REC, PRC, PUB, OTH
    ec_contribution DECIMAL(18, 2),   -- NULL where the file says NA
    country VARCHAR,                  -- CORDIS code as given (UK, EL)
    start_date DATE,                  -- of the project
    source_id INTEGER NOT NULL,
    source_line BIGINT
);

-- The programme parts of those projects (a project may have several), as the file names
-- them (ERC, MSCA, SC1...).
CREATE TABLE IF NOT EXISTS record_project_parts (
    programme VARCHAR NOT NULL,
    project_rcn BIGINT NOT NULL,
    part VARCHAR,
    source_id INTEGER NOT NULL,
    source_line BIGINT
);

-- Parsing helpers: every value arrives as text. Each `*_of` macro reads text already trimmed
-- (loading.py trims a file's columns in Arrow, several times faster than trim() here, and
-- calls them); the macro of the same name without `_of` trims first, for every other use.
CREATE OR REPLACE MACRO txt_of(t) AS NULLIF(t, '');
CREATE OR REPLACE MACRO txt(x) AS txt_of(trim(x));
CREATE OR REPLACE MACRO placeholder(x) AS regexp_full_match(trim(x), '[xX]+');
-- Amounts (contributions, costs) are never below zero in CORDIS: a negative one is an error.
CREATE OR REPLACE MACRO negative(x) AS COALESCE(starts_with(trim(x), '-'), false);
-- A placeholder (xxxxxxx) does not cast, so the parsers need not look for one; the value
-- checks do, to tell a placeholder (missing, as meant) from a value that is wrong.
CREATE OR REPLACE MACRO amount_of(t) AS
    CASE WHEN txt_of(t) IS NULL OR COALESCE(starts_with(t, '-'), false) THEN NULL
         ELSE TRY_CAST(replace(t, ',', '.') AS DECIMAL(18, 2)) END;
CREATE OR REPLACE MACRO amount(x) AS amount_of(trim(x));
CREATE OR REPLACE MACRO day_of(t) AS
    CASE WHEN txt_of(t) IS NULL THEN NULL
         ELSE COALESCE(TRY_CAST(t AS DATE),
                       TRY_CAST(try_strptime(t, '%d/%m/%Y') AS DATE),
                       TRY_CAST(TRY_CAST(t AS TIMESTAMP) AS DATE)) END;
CREATE OR REPLACE MACRO day(x) AS day_of(trim(x));
CREATE OR REPLACE MACRO stamp_of(t) AS
    CASE WHEN txt_of(t) IS NULL THEN NULL ELSE TRY_CAST(t AS TIMESTAMP) END;
CREATE OR REPLACE MACRO stamp(x) AS stamp_of(trim(x));
CREATE OR REPLACE MACRO whole_of(t) AS
    CASE WHEN txt_of(t) IS NULL THEN NULL ELSE TRY_CAST(t AS BIGINT) END;
CREATE OR REPLACE MACRO whole(x) AS whole_of(trim(x));
CREATE OR REPLACE MACRO flag_of(t) AS
    CASE lower(t) WHEN 'true' THEN true WHEN 'yes' THEN true WHEN '1' THEN true
                  WHEN 'false' THEN false WHEN 'no' THEN false WHEN '0' THEN false
                  ELSE NULL END;
CREATE OR REPLACE MACRO flag(x) AS flag_of(trim(x));
