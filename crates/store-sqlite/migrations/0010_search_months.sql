-- Search entries hold the month each report was filed in (`_m_YYYYMM`), so a search
-- within a date range reads only the entries of its months. The program rewrites every
-- entry at start-up, a batch per transaction, resuming where it stopped (store_tasks).
INSERT INTO store_tasks (name) SELECT 'search_index' WHERE EXISTS (SELECT 1 FROM reports)
ON CONFLICT (name) DO NOTHING;
