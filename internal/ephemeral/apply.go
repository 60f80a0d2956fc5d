// Package ephemeral builds the throwaway database of `tenantguard check
// --ephemeral`: a PostgreSQL server from internal/pgtest, what the
// platform would provide (the Supabase preset), and the project's
// migrations applied in exactly the order lint replays them.
package ephemeral

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/ddl/discover"
	"github.com/tenantguard/tenantguard/lint/source"
)

// ApplyError is a migration statement the server refused.
type ApplyError struct {
	// File is the file's display path; Line and Column locate the error
	// (the server's error position, or the statement's start).
	File         string
	Line, Column int
	// Message is the server's message, Hint its hint; Code the SQLSTATE.
	Message string
	Hint    string
	Code    string
	Err     error
}

func (e *ApplyError) Error() string {
	msg := e.Message
	if e.Code != "" {
		msg += " (SQLSTATE " + e.Code + ")"
	}
	if e.Hint != "" {
		msg += "; hint: " + e.Hint
	}
	return fmt.Sprintf("apply migrations: %s:%d:%d: %s", e.File, e.Line, e.Column, msg)
}

func (e *ApplyError) Unwrap() error { return e.Err }

// Apply runs the migrations on conn, file by file in the given order,
// statement by statement as tenantguard splits them (the same statements
// lint replays: psql meta-commands are skipped, COPY ... FROM stdin gets
// its data). Each file runs in a session of its own, as lint assumes: a
// transaction a file leaves open is committed, and session state
// (search_path, role) is discarded before the next file.
//
// A CREATE EXTENSION the server cannot provide (the extension is not
// installed) is skipped and reported in notes; statements that need it
// fail in their turn. Any other error stops at the first failing
// statement with an *ApplyError naming the file, line and column.
func Apply(ctx context.Context, conn *pgx.Conn, migs []discover.Migration, opts ApplyOptions) (notes []string, err error) {
	pc := conn.PgConn()
	for i, m := range migs {
		if i > 0 {
			if err := resetSession(ctx, pc); err != nil {
				return notes, err
			}
		}
		n, err := applyFile(ctx, pc, m.File, opts)
		notes = append(notes, n...)
		if err != nil {
			return notes, err
		}
	}
	if len(migs) > 0 {
		if err := resetSession(ctx, pc); err != nil {
			return notes, err
		}
	}
	return notes, nil
}

// ApplyOptions relax Apply for tests that compare a live database with
// what lint makes of the same files.
type ApplyOptions struct {
	// Tolerate lists SQLSTATEs of errors that skip the statement (with a
	// note) instead of stopping: e.g. 42P01 for statements that name a
	// table the files never created, which lint notes and ignores.
	Tolerate []string
	// SkipData leaves out COPY ... FROM stdin data.
	SkipData bool
}

func (o ApplyOptions) tolerates(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	for _, code := range o.Tolerate {
		if code == pe.Code {
			return true
		}
	}
	return false
}

// ApplyFile is Apply for one file.
func ApplyFile(ctx context.Context, conn *pgx.Conn, f *source.File, opts ApplyOptions) (notes []string, err error) {
	return applyFile(ctx, conn.PgConn(), f, opts)
}

func applyFile(ctx context.Context, pc *pgconn.PgConn, f *source.File, opts ApplyOptions) (notes []string, err error) {
	for _, st := range ddl.Statements(f.Content) {
		if st.CopyData != nil && opts.SkipData {
			continue
		}
		text := string(f.Content[st.Start:st.End])
		isExt := st.Keywords[0] == "CREATE" && st.Keywords[1] == "EXTENSION"
		if isExt {
			err = createExtension(ctx, pc, text)
		} else if st.CopyData != nil {
			_, err = pc.CopyFrom(ctx, bytes.NewReader(st.CopyData), text)
		} else {
			_, err = pc.Exec(ctx, text).ReadAll()
		}
		if err == nil {
			continue
		}
		if ext, ok := missingExtension(err); ok && isExt {
			notes = append(notes, fmt.Sprintf("%s:%d: extension %s is not available on the throwaway server; statement skipped (objects that need it will fail to apply)",
				f.Path, f.Position(st.Start).Line, ext))
			continue
		}
		lerr := locateError(f, st, err)
		if opts.tolerates(err) && pc.TxStatus() != 'E' {
			notes = append(notes, strings.TrimPrefix(lerr.Error(), "apply migrations: ")+": statement skipped")
			continue
		}
		return notes, lerr
	}
	return notes, nil
}

// createExtension runs CREATE EXTENSION so that, inside a transaction
// the file opened, a missing extension does not abort the transaction.
func createExtension(ctx context.Context, pc *pgconn.PgConn, text string) error {
	if pc.TxStatus() != 'T' {
		_, err := pc.Exec(ctx, text).ReadAll()
		return err
	}
	if _, err := pc.Exec(ctx, "SAVEPOINT tenantguard_extension").ReadAll(); err != nil {
		return err
	}
	_, err := pc.Exec(ctx, text).ReadAll()
	end := "RELEASE SAVEPOINT tenantguard_extension"
	if err != nil {
		end = "ROLLBACK TO SAVEPOINT tenantguard_extension; " + end
	}
	if _, e := pc.Exec(ctx, end).ReadAll(); e != nil && err == nil {
		err = e
	}
	return err
}

// resetSession ends what a file left behind: an open transaction is
// committed (lint replays its statements as applied), and the session's
// settings and role go back to their defaults.
func resetSession(ctx context.Context, pc *pgconn.PgConn) error {
	if pc.TxStatus() == 'T' {
		if _, err := pc.Exec(ctx, "COMMIT").ReadAll(); err != nil {
			return fmt.Errorf("apply migrations: commit: %w", err)
		}
	}
	if pc.TxStatus() == 'E' {
		if _, err := pc.Exec(ctx, "ROLLBACK").ReadAll(); err != nil {
			return fmt.Errorf("apply migrations: rollback: %w", err)
		}
	}
	if _, err := pc.Exec(ctx, "DISCARD ALL").ReadAll(); err != nil {
		return fmt.Errorf("apply migrations: reset session: %w", err)
	}
	return nil
}

// missingExtension recognises CREATE EXTENSION failing because the
// server has no such extension (its control file is missing).
func missingExtension(err error) (string, bool) {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return "", false
	}
	// 58P01 undefined_file: "could not open extension control file";
	// 0A000 on newer servers: "extension ... is not available".
	if pe.Code != "58P01" && !(pe.Code == "0A000" && strings.Contains(pe.Message, "not available")) {
		return "", false
	}
	name := pe.Message
	if i := strings.Index(name, `"`); i >= 0 {
		name = name[i+1:]
		if j := strings.Index(name, `"`); j >= 0 {
			name = name[:j]
		}
	}
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = strings.TrimSuffix(name[i+1:], ".control")
	}
	return name, true
}

// locateError maps a server error to the file: the error position
// counts characters from the start of the statement sent.
func locateError(f *source.File, st ddl.Statement, err error) error {
	e := &ApplyError{File: f.Path, Err: err, Message: err.Error()}
	off := st.Start
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		e.Message, e.Code, e.Hint = pe.Message, pe.Code, pe.Hint
		if pe.Position > 0 {
			off = f.Offset(st.Start, int(pe.Position))
		}
	}
	p := f.Position(off)
	e.Line, e.Column = p.Line, p.Column
	return e
}
