-- collation_keys: the sort key of each text in Vietnamese alphabetical order (ICU's `vi` collation,
-- built into the duckdb wheel: a ă â b c d đ e ê … with tones after the letters), so "Bạc Liêu" <
-- "Bắc Giang", "Cà Mau" < "Cao Bằng", "Hà Nội" < "Huế", D < Đ. Keys are hex strings: compared as
-- plain strings they order as the collation does. Used only by cnscd/collate.py.
-- params: texts
WITH final AS (
    SELECT text, icu_sort_key(text, 'vi') AS sort_key
    FROM (SELECT unnest(CAST($texts AS VARCHAR[])) AS text)
)
SELECT * FROM final
