-- Polls drafted before poll numbers existed get theirs in the order they were drafted, per community.
UPDATE polls p SET number = x.rn
FROM (SELECT id, row_number() OVER (PARTITION BY community_id ORDER BY created_at, id) AS rn FROM polls) x
WHERE x.id = p.id AND p.number IS NULL;
