package pgtest

import (
	"context"
	"errors"
	"testing"
)

func TestRun(t *testing.T) {
	t.Parallel()
	requireLocal(t)
	var root string
	sentinel := errors.New("fn failed")
	err := Run(context.Background(), Options{}, func(ctx context.Context, c *Cluster) error {
		root = c.local.root
		if err := c.exec(ctx, "CREATE TABLE t (id int)"); err != nil {
			return err
		}
		return sentinel
	})
	if !errors.Is(err, sentinel) {
		t.Errorf("Run = %v, want fn's error", err)
	}
	if root == "" || exists(root) {
		t.Errorf("Run left %q", root)
	}
}

func TestRunCleansUpAfterPanic(t *testing.T) {
	t.Parallel()
	requireLocal(t)
	var root string
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want fn's panic to go on", r)
			}
		}()
		Run(context.Background(), Options{}, func(ctx context.Context, c *Cluster) error {
			root = c.local.root
			panic("boom")
		})
	}()
	if root == "" || exists(root) {
		t.Errorf("Run left %q after a panic", root)
	}
}
