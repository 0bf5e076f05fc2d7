"""Schema migrations of the till database, applied in order; never edit a released one."""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE stores (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            time_zone TEXT NOT NULL,
            phone_region TEXT NOT NULL,
            currency TEXT NOT NULL,
            currency_sign TEXT NOT NULL,
            weight_label_prefixes TEXT NOT NULL DEFAULT '',
            card_prefixes TEXT NOT NULL DEFAULT '',
            receipt_barcode_prefix TEXT NOT NULL DEFAULT '',
            receipt_language TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE products (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            article TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL DEFAULT '',
            price INTEGER NOT NULL CHECK (price >= 0),
            weighted INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1,
            plu INTEGER NOT NULL DEFAULT 0,
            vat_rate_bp INTEGER NOT NULL DEFAULT 0,
            search_name TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX products_plu ON products(plu) WHERE plu > 0;
        CREATE TABLE categories (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            parent_id TEXT NOT NULL DEFAULT '',
            min_age INTEGER NOT NULL DEFAULT 0,
            no_sale_from TEXT NOT NULL DEFAULT '',
            no_sale_to TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE cashiers (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            pin_hash TEXT NOT NULL,
            role TEXT NOT NULL,
            active INTEGER NOT NULL
        );
        CREATE TABLE shifts (
            id TEXT PRIMARY KEY,
            number INTEGER NOT NULL UNIQUE,
            cashier_id TEXT NOT NULL,
            opened_at TEXT NOT NULL,
            opening_float INTEGER NOT NULL,
            closed_at TEXT,
            closed_by TEXT,
            expected_cash INTEGER
        );
        CREATE TABLE cash_movements (
            id TEXT PRIMARY KEY,
            shift_id TEXT NOT NULL REFERENCES shifts(id),
            amount INTEGER NOT NULL,
            reason TEXT NOT NULL,
            cashier_id TEXT NOT NULL,
            approved_by TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE TABLE open_receipt (
            slot INTEGER PRIMARY KEY CHECK (slot = 1),
            customer_id TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE open_receipt_lines (
            line_no INTEGER PRIMARY KEY,
            product_id TEXT NOT NULL,
            name TEXT NOT NULL,
            price INTEGER NOT NULL,
            barcode TEXT NOT NULL,
            category TEXT NOT NULL,
            weighted INTEGER NOT NULL,
            quantity_milli INTEGER NOT NULL
        );
        CREATE TABLE actions (
            id TEXT PRIMARY KEY,
            at TEXT NOT NULL,
            cashier_id TEXT NOT NULL,
            approved_by TEXT NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL
        );
        CREATE TABLE product_barcodes (
            barcode TEXT PRIMARY KEY,
            product_id TEXT NOT NULL REFERENCES products(id)
        );
        CREATE INDEX products_article ON products(article);
        CREATE TABLE customers (
            id TEXT PRIMARY KEY,
            surname TEXT NOT NULL DEFAULT '',
            first_name TEXT NOT NULL DEFAULT '',
            patronymic TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX customers_phone ON customers(phone);
        CREATE TABLE cards (
            barcode TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL,
            blocked INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE ledger_entries (
            id TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL,
            points INTEGER NOT NULL,
            receipt_id TEXT NOT NULL DEFAULT '',
            store_id TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            reason TEXT NOT NULL
        );
        CREATE INDEX ledger_entries_customer ON ledger_entries(customer_id);
        CREATE TABLE loyalty_programs (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            earn_points INTEGER NOT NULL,
            earn_per_minor INTEGER NOT NULL
        );
        CREATE TABLE receipts (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            store_id TEXT NOT NULL,
            till_id TEXT NOT NULL,
            closed_at TEXT NOT NULL,
            customer_id TEXT,
            total INTEGER NOT NULL,
            cash_tendered INTEGER NOT NULL,
            change INTEGER NOT NULL,
            cashier_id TEXT NOT NULL DEFAULT '',
            shift_id TEXT NOT NULL DEFAULT '',
            fiscal_mode TEXT NOT NULL DEFAULT 'non-fiscal',
            fiscal_number TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX receipts_shift ON receipts(shift_id);
        CREATE INDEX receipts_customer ON receipts(customer_id);
        CREATE TABLE payments (
            receipt_id TEXT NOT NULL REFERENCES receipts(id),
            method TEXT NOT NULL,
            amount INTEGER NOT NULL,
            PRIMARY KEY (receipt_id, method)
        );
        CREATE TABLE receipt_lines (
            receipt_id TEXT NOT NULL REFERENCES receipts(id),
            line_no INTEGER NOT NULL,
            product_id TEXT NOT NULL,
            barcode TEXT NOT NULL,
            name TEXT NOT NULL,
            quantity_milli INTEGER NOT NULL,
            unit_price INTEGER NOT NULL,
            total INTEGER NOT NULL,
            PRIMARY KEY (receipt_id, line_no)
        );
        CREATE TABLE outbox (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            payload BLOB NOT NULL
        );
        CREATE TABLE outbox_rejected (
            id TEXT PRIMARY KEY,
            payload BLOB NOT NULL,
            reason TEXT NOT NULL,
            rejected_at TEXT NOT NULL
        );
        CREATE TABLE counters (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        );
        CREATE TABLE sync_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE print_jobs (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            created_at TEXT NOT NULL,
            payload BLOB NOT NULL,
            copy_payload BLOB,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'printing', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT NOT NULL DEFAULT '',
            possibly_printed INTEGER NOT NULL DEFAULT 0,
            finished_at TEXT
        );
        CREATE INDEX print_jobs_state ON print_jobs(state)
        """,
    ),
    (
        2,
        # Issue 3: the pricing engine at the till. Programs and customer terms come from
        # central; lifetime purchases and one-time discounts are summed from purchase
        # facts; points live in lots (ledger entries grouped by lot); returns are facts.
        """
        DROP TABLE loyalty_programs;
        ALTER TABLE stores ADD COLUMN cash_step INTEGER NOT NULL DEFAULT 1;
        CREATE TABLE pricing_programs (
            version INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            json TEXT NOT NULL
        );
        CREATE TABLE customer_terms (
            customer_id TEXT PRIMARY KEY,
            groups TEXT NOT NULL DEFAULT '',
            price_list TEXT NOT NULL DEFAULT '',
            discounts_json TEXT NOT NULL DEFAULT '[]'
        );
        CREATE TABLE customer_purchases (
            id TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL,
            store_id TEXT NOT NULL,
            at TEXT NOT NULL,
            amount INTEGER NOT NULL,
            one_time_used TEXT NOT NULL DEFAULT '',
            one_time_restored TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX customer_purchases_customer ON customer_purchases(customer_id);
        ALTER TABLE ledger_entries ADD COLUMN lot_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE ledger_entries ADD COLUMN lot_earned_at TEXT;
        ALTER TABLE ledger_entries ADD COLUMN lot_available_at TEXT;
        ALTER TABLE ledger_entries ADD COLUMN lot_expires_at TEXT;
        ALTER TABLE receipts ADD COLUMN cash_rounding INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE receipts ADD COLUMN points_spent INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE receipts ADD COLUMN discount_total INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE receipts ADD COLUMN programs_version INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE receipts ADD COLUMN pricing_request_json TEXT NOT NULL DEFAULT '';
        ALTER TABLE receipts ADD COLUMN pricing_json TEXT NOT NULL DEFAULT '';
        ALTER TABLE receipt_lines ADD COLUMN base_total INTEGER;
        ALTER TABLE receipt_lines ADD COLUMN discount_total INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE receipt_lines ADD COLUMN vat_rate_bp INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE receipt_lines ADD COLUMN points_spent INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE receipt_lines ADD COLUMN points_earned INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE open_receipt_lines ADD COLUMN vat_rate_bp INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE open_receipt_lines ADD COLUMN manual_percent INTEGER;
        ALTER TABLE open_receipt_lines ADD COLUMN manual_by TEXT;
        ALTER TABLE open_receipt_lines ADD COLUMN manual_reason TEXT;
        CREATE TABLE returns (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            receipt_id TEXT NOT NULL REFERENCES receipts(id),
            returned_at TEXT NOT NULL,
            customer_id TEXT,
            total INTEGER NOT NULL,
            refund INTEGER NOT NULL,
            cash_rounding INTEGER NOT NULL,
            cashier_id TEXT NOT NULL,
            approved_by TEXT NOT NULL,
            shift_id TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX returns_receipt ON returns(receipt_id);
        CREATE INDEX returns_shift ON returns(shift_id);
        CREATE TABLE return_lines (
            return_id TEXT NOT NULL REFERENCES returns(id),
            line_no INTEGER NOT NULL,
            quantity_milli INTEGER NOT NULL,
            total INTEGER NOT NULL,
            refund INTEGER NOT NULL,
            points_restored INTEGER NOT NULL,
            points_annulled INTEGER NOT NULL,
            PRIMARY KEY (return_id, line_no)
        );
        CREATE TABLE refunds (
            return_id TEXT NOT NULL REFERENCES returns(id),
            method TEXT NOT NULL,
            amount INTEGER NOT NULL,
            PRIMARY KEY (return_id, method)
        );
        CREATE TABLE product_prices (
            product_id TEXT PRIMARY KEY,
            old_price INTEGER NOT NULL,
            changed_at TEXT NOT NULL
        )
        """,
    ),
    (
        3,
        # Issue 6: prices central scheduled ahead (a till offline for a day still changes
        # them on time); effective_ms is milliseconds since the epoch. Barcodes by product
        # for the first barcode of a product found by article, PLU or name.
        """
        CREATE TABLE product_scheduled_prices (
            product_id TEXT NOT NULL,
            effective_ms INTEGER NOT NULL,
            price INTEGER NOT NULL CHECK (price >= 0),
            PRIMARY KEY (product_id, effective_ms)
        );
        CREATE INDEX product_scheduled_prices_effective ON product_scheduled_prices(effective_ms);
        CREATE INDEX product_barcodes_product ON product_barcodes(product_id)
        """,
    ),
    (
        4,
        # Issue 6: offline redemption limits of the store (N2); HQ merges, so a receipt
        # that holds a merged-away customer prices as the survivor.
        """
        ALTER TABLE stores ADD COLUMN offline_points_cap INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE stores ADD COLUMN offline_points_budget INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE customer_merges (
            gone_id TEXT PRIMARY KEY,
            survivor_id TEXT NOT NULL
        )
        """,
    ),
    (
        5,
        # Issue 6: other tills' receipts' facts as one row a receipt, the message as the
        # feed brought it (edge/storage/receipt_facts.py): a catch-up writes a row and two
        # index entries a sale instead of two rows and four.
        """
        CREATE TABLE receipt_facts (
            receipt_id TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL,
            points INTEGER NOT NULL,
            facts BLOB NOT NULL
        );
        CREATE INDEX receipt_facts_customer ON receipt_facts(customer_id)
        """,
    ),
    (
        6,
        # Feed format 3: the ledger checksum's digests are CRC-32. The running sum kept
        # with SHA-256 digests goes; the first reader recounts it from the rows
        # (changes.ledger_checksum).
        """
        DELETE FROM sync_state WHERE key = 'ledger_sum'
        """,
    ),
    (
        7,
        # Push: events are sealed (content hash) as they are queued and go to central as
        # stored. Events queued before were sealed by the client as it pushed them, with
        # the till's claim filled in; outbox.seal_queued does that once for them, so a
        # resent one keeps the content hash central may hold already.
        """
        ALTER TABLE outbox ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX outbox_unsealed ON outbox(id) WHERE sealed = 0
        """,
    ),
]
