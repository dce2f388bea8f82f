package provider

import (
	"context"
	"time"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// revokeCheckMaxAge bounds how old a list a revoke decided with others may
// check ownership on. A list of the batch serves every revoke decided with
// it, so that removing thousands of recipients reads the container once,
// not once per few revokes; but a seat revoked and given to someone else
// out of band while a long, paced batch runs must still be seen before its
// row is revoked. One list a minute is a small share of any rate limit.
const revokeCheckMaxAge = time.Minute

// checkSince is the moment the list a revoke checks ownership on must have
// started after: the batch's decision (or revokeCheckMaxAge ago, whichever
// is later) for the first look of a revoke decided with others; now for a
// revoke decided alone or looking again after a lost answer.
func checkSince(decided, now time.Time, attempt int) time.Time {
	if attempt > 1 || decided.IsZero() {
		return now
	}
	if oldest := now.Add(-revokeCheckMaxAge); decided.Before(oldest) {
		return oldest
	}
	return decided
}

// checkList is the list a revoke's ownership check reads (see checkSince).
func (sw *seatWriter) checkList(ctx context.Context, container polar.Container, attempt int) (*polar.SeatsList, error) {
	return sw.seats.FreshSince(ctx, container, checkSince(sw.decided, time.Now(), attempt))
}
