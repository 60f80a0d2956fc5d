package pgtest

import (
	"context"
	"testing"
)

func BenchmarkStart(b *testing.B) {
	if _, err := locate(context.Background(), ""); err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		c, err := Start(context.Background(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := c.Stop(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

func BenchmarkNewDB(b *testing.B) {
	for b.Loop() {
		NewDB(b)
	}
}

// BenchmarkNewDBAndDrop is the whole cost of a test's database.
func BenchmarkNewDBAndDrop(b *testing.B) {
	c, err := sharedCluster()
	if err != nil {
		b.Skip(err)
	}
	ctx := context.Background()
	for b.Loop() {
		name := uniqueDBName(b.Name())
		if err := c.CreateDatabase(ctx, name, ""); err != nil {
			b.Fatal(err)
		}
		if err := c.DropDatabase(ctx, name); err != nil {
			b.Fatal(err)
		}
	}
}
