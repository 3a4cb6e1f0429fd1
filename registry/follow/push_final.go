package follow

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/kubo"
)

// PushFinal sends to a kubo node the final record raw of name, a name a
// registry moved from (`svcreg move`): first the block it points at (the
// Moved block, from blocks), then the record. The Roots the Moved block
// links reach the node with the new name's blocks (Push). It returns
// PushStored, or PushUnchanged when the node holds the record already.
// A record that is no valid final record of name at now is refused.
func PushFinal(ctx context.Context, k *kubo.Client, blocks registry.Blocks, name string, raw []byte, now time.Time) (string, error) {
	rec, err := ipns.Verify(name, raw, now)
	if err != nil {
		return "", fmt.Errorf("push the final record of %s: %w", name, err)
	}
	if rec.Seq != math.MaxUint64 {
		return "", fmt.Errorf("push the final record of %s: seq %d is not the highest", name, rec.Seq)
	}
	data, err := blocks.Get(ctx, rec.Value)
	if err != nil {
		return "", fmt.Errorf("push the final record of %s: %w", name, err)
	}
	var buf bytes.Buffer
	w, err := car.NewWriter(&buf, []cid.Cid{rec.Value}, nil)
	if err != nil {
		return "", err
	}
	if err := w.Put(ctx, rec.Value, data); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	if _, err := k.Import(ctx, &buf); err != nil {
		return "", err
	}
	err = k.PutRecord(ctx, name, raw)
	var se *kubo.SeqError
	switch {
	case err == nil:
		return PushStored, nil
	case errors.As(err, &se) && se.Have == rec.Seq:
		return PushUnchanged, nil
	}
	return "", err
}
