package probe

import (
	"context"
	"strings"
)

// Rows seeded into a partitioned table, or straight into a partition,
// must fall inside a partition's bounds. The probe reads the bounds of
// the partition (of the first partition that has a range or list bound,
// for a partitioned table) and of its parents, and takes the lower bound
// of a range, or the first value of a list, for each partition key
// column. Hash partitions and expression keys are left to the made-up
// values (and the retry that copies an existing row).

// queryPartitionChain lists, for a partition, each level up to the root:
// its bound and the key columns of the table it is a partition of.
const queryPartitionChain = `WITH RECURSIVE up AS (
    SELECT i.inhrelid AS child, i.inhparent AS parent, 1 AS depth
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhrelid = $1::oid AND c.relispartition
  UNION ALL
    SELECT i.inhrelid, i.inhparent, up.depth + 1
    FROM up JOIN pg_inherits i ON i.inhrelid = up.parent JOIN pg_class c ON c.oid = i.inhrelid
    WHERE c.relispartition
)
SELECT pg_get_expr(c.relpartbound, c.oid),
  ARRAY(SELECT coalesce(a.attname::text, '') FROM unnest(pt.partattrs::int2[]) WITH ORDINALITY k(num, pos)
        LEFT JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = k.num ORDER BY k.pos)
FROM up
JOIN pg_class c ON c.oid = up.child
JOIN pg_partitioned_table pt ON pt.partrelid = up.parent
ORDER BY up.depth`

// queryLeafPartitions lists the leaf partitions under a partitioned
// table, with their bounds, in a stable order.
const queryLeafPartitions = `WITH RECURSIVE down AS (
    SELECT i.inhrelid AS oid FROM pg_inherits i WHERE i.inhparent = $1::oid
  UNION ALL
    SELECT i.inhrelid FROM down JOIN pg_inherits i ON i.inhparent = down.oid
)
SELECT c.oid::text, pg_get_expr(c.relpartbound, c.oid)
FROM down JOIN pg_class c ON c.oid = down.oid
WHERE c.relkind = 'r'
ORDER BY c.relname`

// partitionValues returns values for the partition key columns that put
// a new row of rel into a partition (nil when rel is not partitioned or
// no bound gives values).
func (s *seeder) partitionValues(ctx context.Context, rel *relation) (map[string]string, error) {
	leaf := rel.oid
	if rel.kind == "p" {
		rows, err := s.t.rows(ctx, strings.Replace(queryLeafPartitions, "$1", quoteLiteral(itoa(int(rel.oid))), 1))
		if err != nil {
			return nil, err
		}
		leaf = 0
		for _, r := range rows {
			if r[1] != nil && len(boundValues(*r[1])) > 0 {
				n, _ := parseOID(deref(r[0]))
				leaf = n
				break
			}
		}
		if leaf == 0 {
			return nil, nil
		}
	} else if !rel.partition {
		return nil, nil
	}
	rows, err := s.t.rows(ctx, strings.Replace(queryPartitionChain, "$1", quoteLiteral(itoa(int(leaf))), 1))
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, r := range rows {
		if r[0] == nil || r[1] == nil {
			continue
		}
		vals := boundValues(*r[0])
		cols := parseTextArray(*r[1])
		for i, c := range cols {
			if c != "" && i < len(vals) && vals[i] != nil {
				if _, ok := out[c]; !ok {
					out[c] = *vals[i]
				}
			}
		}
	}
	return out, nil
}

// boundValues reads a partition bound as pg_get_expr prints it: the
// lower bound of FOR VALUES FROM (...) TO (...), or the first value of
// FOR VALUES IN (...). MINVALUE, MAXVALUE and NULL give nil.
func boundValues(b string) []*string {
	var list string
	switch {
	case strings.HasPrefix(b, "FOR VALUES FROM ("):
		list = b[len("FOR VALUES FROM ("):]
	case strings.HasPrefix(b, "FOR VALUES IN ("):
		list = b[len("FOR VALUES IN ("):]
	default:
		return nil
	}
	var out []*string
	for i := 0; i < len(list); {
		switch c := list[i]; {
		case c == ' ' || c == ',':
			i++
		case c == ')':
			if strings.HasPrefix(b, "FOR VALUES IN (") && len(out) > 0 {
				return out[:1]
			}
			return out
		case c == '\'':
			var v strings.Builder
			j := i + 1
			for j < len(list) {
				if list[j] == '\'' {
					if j+1 < len(list) && list[j+1] == '\'' {
						v.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				v.WriteByte(list[j])
				j++
			}
			s := v.String()
			out = append(out, &s)
			i = j + 1
		default:
			j := i
			for j < len(list) && list[j] != ',' && list[j] != ')' {
				j++
			}
			tok := strings.TrimSpace(list[i:j])
			switch strings.ToUpper(tok) {
			case "MINVALUE", "MAXVALUE", "NULL":
				out = append(out, nil)
			default:
				out = append(out, &tok)
			}
			i = j
		}
	}
	return nil
}

// parseTextArray reads a text[] as PostgreSQL prints it ({a,b,""}).
func parseTextArray(s string) []string {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i, p := range parts {
		parts[i] = strings.Trim(p, `"`)
	}
	return parts
}

func parseOID(s string) (uint32, bool) {
	var n uint64
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + uint64(r-'0')
	}
	return uint32(n), s != ""
}
