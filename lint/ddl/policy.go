package ddl

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/tenantguard/tenantguard/lint/model"
)

func (r *replayer) createPolicy(s *pg_query.CreatePolicyStmt) {
	t := r.table(s.Table)
	if t == nil {
		q, _ := r.lookupRV(s.Table)
		r.note(q.String()+"."+s.PolicyName, "policy "+s.PolicyName+" on "+q.String()+": table not created by the files read; policy not modelled")
		return
	}
	p := &model.Policy{
		Name:       s.PolicyName,
		Table:      t.QName(),
		Permissive: s.Permissive,
		Command:    policyCommand(s.CmdName),
		Roles:      roleNames(s.Roles),
		Span:       r.stmt,
	}
	if len(p.Roles) == 0 {
		p.Roles = []string{"PUBLIC"}
	}
	scope := r.tableScope(t)
	if s.Qual != nil {
		p.Using = r.exprIn(s.Qual, scope)
	}
	if s.WithCheck != nil {
		p.WithCheck = r.exprIn(s.WithCheck, scope)
	}
	t.RemovePolicy(p.Name)
	t.Policies = append(t.Policies, p)
}

func (r *replayer) alterPolicy(s *pg_query.AlterPolicyStmt) {
	t := r.table(s.Table)
	if t == nil {
		return
	}
	p := t.Policy(s.PolicyName)
	if p == nil {
		r.note(t.QName().String()+"."+s.PolicyName, "ALTER POLICY "+s.PolicyName+": no such policy on "+t.QName().String())
		return
	}
	p.AlteredAt = r.stmt
	if len(s.Roles) > 0 {
		p.Roles = roleNames(s.Roles)
	}
	scope := r.tableScope(t)
	if s.Qual != nil {
		p.Using = r.exprIn(s.Qual, scope)
	}
	if s.WithCheck != nil {
		p.WithCheck = r.exprIn(s.WithCheck, scope)
	}
}

func policyCommand(cmd string) model.Command {
	switch strings.ToLower(cmd) {
	case "select":
		return model.Select
	case "insert":
		return model.Insert
	case "update":
		return model.Update
	case "delete":
		return model.Delete
	}
	return model.AllCommands
}

// createIndex records CREATE [UNIQUE] INDEX [CONCURRENTLY].
func (r *replayer) createIndex(s *pg_query.IndexStmt) {
	t := r.table(s.Relation)
	if t == nil {
		return
	}
	ix := &model.Index{Schema: t.Schema, Name: s.Idxname, Unique: s.Unique, Primary: s.Primary,
		Partial: s.WhereClause != nil, Span: r.stmt}
	for _, p := range s.IndexParams {
		if ie := p.GetIndexElem(); ie != nil {
			ix.Columns = append(ix.Columns, ie.Name) // "" for an expression
		}
	}
	if ix.Name == "" {
		ix.Name = t.Name + "_" + strings.Join(ix.Columns, "_") + "_idx"
	}
	if r.findIndex(t, ix.Name) != nil {
		return // IF NOT EXISTS, or a duplicate PostgreSQL would refuse
	}
	r.addIndex(t, ix)
}
