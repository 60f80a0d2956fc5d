// Package discover finds migration files and puts them in the order the
// migration tool would apply them, with only the text that tool applies.
//
// `tenantguard lint` replays migrations into a schema model, so a file
// applied out of order, a down section replayed after its up section, or a
// file the tool would never run all give the wrong final schema.
//
// # Paths
//
// Each PATH is a folder or a file, relative to Options.Dir unless
// absolute. Display paths are relative to Options.Dir when the file is
// inside it, else the PATH as written joined with the rest. With no PATH
// the first of DefaultFolders that exists under Options.Dir is used
// ("deploy" only when sqitch.plan sits beside it). Several PATHs are
// concatenated in the order given; a file reached twice (also through a
// symlink) appears once, where it was first reached. A PATH that does not
// exist or cannot be listed stops the run; a file found but unusable is a
// Problem and the run goes on.
//
// A file PATH is linted whatever its name (Layout "file", e.g. a pg_dump
// schema.sql) unless its name and place match a layout below, in which case
// that layout's version and masking are used (a goose file passed alone is
// still masked). A golang-migrate .down.sql or Flyway U__ file passed
// alone is linted as a plain file: it was asked for by name.
//
// # Layout detection (per folder, first rule that matches)
//
//  1. sqitch: the folder holds sqitch.plan (its deploy/ folder is read), or
//     the folder is named deploy and sqitch.plan is in its parent.
//  2. prisma: the folder holds migration_lock.toml, or it holds no *.sql
//     file of its own and a subfolder holds migration.sql.
//  3. supabase: the folder is <...>/supabase/migrations.
//  4. golang-migrate: a *.sql file directly in the folder is named
//     <digits>_<title>.up.sql or .down.sql.
//  5. flyway: a *.sql file in the folder tree is named V<ver>__, B<ver>__,
//     U<ver>__ or R__ (<ver>: digits separated by "." or "_").
//  6. goose / sql-migrate / dbmate: *.sql files directly in the folder
//     carry `-- +goose Up|Down`, `-- +migrate Up|Down` or
//     `-- migrate:up|down` lines; the kind found in the most files wins
//     (ties: goose, sql-migrate, dbmate).
//  7. plain: anything else.
//
// Only *.sql files are taken (extension compared without case); hidden
// files are skipped. Files a tool would skip or reject for their name are
// left out silently, as the tool itself does (supabase prints a warning
// and goes on).
//
// # Order and version per layout
//
//   - golang-migrate: <digits>_<title>.up.sql directly in the folder, by
//     numeric version; .down.sql ignored.
//   - flyway: the folder tree (Flyway scans locations recursively), with
//     the skips of plain. Versions compare part by part as integers, a missing part counting 0
//     (V2 < V10, V1.1 < V1.10, V1 = V1.0). Repeatable R__ files come after
//     all versioned ones, ordered by description. U (undo) files are
//     ignored. Baseline B files: lint replays onto an empty database, which
//     is where Flyway uses a baseline, so the highest B file is applied
//     first, the V files at or below its version are left out and the
//     other B files are ignored. Version shows "1.1" for V1_1__, "R" for
//     R__. Flyway names are case-sensitive: v1__x.sql is not one.
//   - supabase: <digits>_<name>.sql directly in the folder, by file name
//     (byte order, as the Supabase CLI sorts: 20240504_x.sql comes after
//     20240504193000_y.sql); other names are skipped, and a first file
//     <14 digits>_init.sql older than 20211209000000 is skipped as the CLI
//     does.
//   - prisma: <folder>/migration.sql for each subfolder, by folder name; a
//     subfolder without migration.sql is a Problem; migration_lock.toml is
//     ignored.
//   - sqitch: changes in sqitch.plan order (pragmas, notes, dependencies,
//     planner and tags are parsed; see parsePlan). A change declared again
//     after a tag is a rework: the earlier declaration deploys
//     deploy/<name>@<tag>.sql, choosing among the tags sqitch would try (the
//     latest tag before the rework first) the first whose file exists. A
//     change line with the "-" operator records a revert and is not
//     applied. revert/ and verify/ are ignored. A planned change with no
//     deploy script is a Problem.
//   - goose: <digits>_<name>.sql directly in the folder, version > 0, by
//     numeric version (sequential or timestamp); .go migrations are not
//     SQL and are skipped.
//   - dbmate: <digits>*.sql directly in the folder, by file name (byte
//     order, as dbmate sorts).
//   - sql-migrate: *.sql directly in the folder; files whose name starts
//     with digits first, by that number, then the rest by name.
//   - plain: the folder tree, skipping hidden folders, node_modules and
//     folders named down, revert or verify; natural order of the relative
//     paths (digit runs compare as numbers: 2_x.sql < 10_x.sql). Symlinks to
//     folders are not followed.
//
// # Masking
//
// For goose, sql-migrate and dbmate files every byte that is not applied
// is replaced by a space, except '\n' and '\r', so byte offsets, line
// numbers and columns of applied text match the file on disk. Applied text
// is what follows an up marker until the next down marker; the up marker
// lines (and goose/sql-migrate statement markers inside an up section) are
// comments and stay; text before the first marker, down markers and down
// sections are blanked. A file with a dbmate marker but no up section is
// all blanks. A file with no up or down marker at all is kept whole: goose,
// sql-migrate and dbmate would reject it, and linting it whole is more
// useful than linting nothing.
//
// A plain-folder or single file that carries such markers is masked the
// same way and reported with that layout: a down section is never part of
// the final schema. Files of every other layout are passed through byte
// for byte (binary or non-UTF-8 content included; a later stage reports
// it).
package discover
