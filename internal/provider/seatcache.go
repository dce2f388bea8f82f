package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// listTimeout bounds one shared list call; each waiting caller also stops at
// its own context.
const listTimeout = 5 * time.Minute

// seatCache coalesces every read of a container within one provider process
// into one GET /v1/customer-seats: concurrent callers share the request in
// flight, later callers share its result. Polar has no GET-by-id, so without
// this a refresh of N seats would cost N list calls (and move N² seats).
//
// Some decisions need a list newer than the moment they are taken — destroy's
// ownership check (Polar may have reused the seat's id for someone else since
// the plan), or the check after a write whose answer was lost. Fresh gives
// such a list: one whose request starts after the call. Callers that ask
// while a fresh list is in flight share the next one, so N concurrent
// destroys cost two or three lists, not N. FreshSince gives a list whose
// request started after a given moment: the one in flight or the last one
// if they did, so that decisions taken together share one list.
//
// Writes made through this process keep the cached list true: the seat a
// write returns replaces (or joins) the cached row and the counts are
// recomputed, so a caller never sees its own writes missing and a destroy of
// N seats does not re-list the container N times. Writes are folded in when
// the list is next read, not one by one: an apply of N writes into a
// container of N seats then copies the list once, not N times. A write also bumps the
// container's generation, so a fetch that was already in flight cannot
// overwrite the cache with a list older than the write. Nothing is kept
// across provider processes.
type seatCache struct {
	client *polar.Client
	group  singleflight.Group

	mu      sync.Mutex
	entries map[polar.Container]*cacheEntry
}

type cacheEntry struct {
	list *polar.SeatsList
	// written are the seats writes returned since list was fetched or last
	// read, in order; current folds them in.
	written []polar.CustomerSeat
	gen     uint64
	// fresh lists: the one in flight, and the next one, which callers
	// arriving meanwhile join and which starts when the first ends; and
	// the last one that succeeded.
	inflight, next, last *freshList
}

// freshList is one list call shared by the callers of Fresh; done closes
// when list or err is set. started is when its request started (zero
// until then; read and written under seatCache.mu).
type freshList struct {
	done    chan struct{}
	list    *polar.SeatsList
	err     error
	started time.Time
}

func newSeatCache(client *polar.Client) *seatCache {
	return &seatCache{client: client, entries: map[polar.Container]*cacheEntry{}}
}

// List returns the container's seats, from the cache or one shared call.
func (c *seatCache) List(ctx context.Context, container polar.Container) (*polar.SeatsList, error) {
	c.mu.Lock()
	e := c.entries[container]
	if e != nil && e.list != nil {
		l := e.current()
		c.mu.Unlock()
		return l, nil
	}
	c.mu.Unlock()
	return c.fetch(ctx, container)
}

// Fresh returns a list of the container whose request started after this
// call, shared with the other callers waiting at that moment. It also
// replaces the cached list.
func (c *seatCache) Fresh(ctx context.Context, container polar.Container) (*polar.SeatsList, error) {
	return c.FreshSince(ctx, container, time.Now())
}

// FreshSince returns a list of the container whose request started at or
// after since: the last list or the one in flight when theirs did, else the
// next one.
func (c *seatCache) FreshSince(ctx context.Context, container polar.Container, since time.Time) (*polar.SeatsList, error) {
	return c.freshListSince(ctx, container, since).wait(ctx)
}

// freshList joins the list call that will start next for the container.
func (c *seatCache) freshList(ctx context.Context, container polar.Container) *freshList {
	return c.freshListSince(ctx, container, time.Now())
}

// freshListSince joins a list call whose request started at or after since,
// or the one that will start next.
func (c *seatCache) freshListSince(ctx context.Context, container polar.Container, since time.Time) *freshList {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(container)
	for _, f := range []*freshList{e.last, e.inflight} {
		if f != nil && !f.started.IsZero() && !f.started.Before(since) {
			return f
		}
	}
	f := e.next
	if f == nil {
		f = &freshList{done: make(chan struct{})}
		if e.inflight == nil {
			e.inflight, f.started = f, time.Now()
			go c.runFresh(context.WithoutCancel(ctx), container, f)
		} else {
			e.next = f
		}
	}
	return f
}

func (f *freshList) wait(ctx context.Context) (*polar.SeatsList, error) {
	select {
	case <-f.done:
		return f.list, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *seatCache) runFresh(ctx context.Context, container polar.Container, f *freshList) {
	c.mu.Lock()
	gen := c.entry(container).gen
	c.mu.Unlock()
	fctx, cancel := context.WithTimeout(ctx, listTimeout)
	f.list, f.err = c.client.ListSeats(fctx, container)
	cancel()
	c.mu.Lock()
	e := c.entry(container)
	if f.err == nil && e.gen == gen {
		e.list, e.written = f.list, nil // every write so far came before the list
	}
	if f.err == nil {
		e.last = f
	}
	e.inflight, e.next = e.next, nil
	if e.inflight != nil {
		e.inflight.started = time.Now()
		go c.runFresh(ctx, container, e.inflight)
	}
	c.mu.Unlock()
	close(f.done)
}

// RecordWrite records a seat a write returned (assign, revoke, resend), in
// constant time: the next read folds it into the list.
func (c *seatCache) RecordWrite(seat *polar.CustomerSeat) {
	container := seat.Container()
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(container)
	e.gen++
	if e.list != nil {
		e.written = append(e.written, *seat)
	}
}

// current returns the list with the writes recorded since folded in: each
// written seat replaces (or joins) its row, and the counts are recomputed.
// Lists already handed out are never changed (callers read them without a
// lock), so it builds a new one. The caller holds c.mu.
func (e *cacheEntry) current() *polar.SeatsList {
	if len(e.written) == 0 {
		return e.list
	}
	next := &polar.SeatsList{TotalSeats: e.list.TotalSeats, Clock: e.list.Clock, Seats: make([]polar.CustomerSeat, len(e.list.Seats), len(e.list.Seats)+len(e.written))}
	copy(next.Seats, e.list.Seats)
	at := make(map[string]int, len(next.Seats))
	for i := range next.Seats {
		at[next.Seats[i].ID] = i
	}
	for _, s := range e.written {
		if i, ok := at[s.ID]; ok {
			next.Seats[i] = s
			continue
		}
		at[s.ID] = len(next.Seats)
		next.Seats = append(next.Seats, s)
	}
	active := 0
	for i := range next.Seats {
		if next.Seats[i].Status.Active() {
			active++
		}
	}
	next.AvailableSeats = max(0, next.TotalSeats-active)
	e.list, e.written = next, nil
	return next
}

func (c *seatCache) entry(container polar.Container) *cacheEntry {
	e := c.entries[container]
	if e == nil {
		e = &cacheEntry{}
		c.entries[container] = e
	}
	return e
}

func (c *seatCache) fetch(ctx context.Context, container polar.Container) (*polar.SeatsList, error) {
	c.mu.Lock()
	gen := c.entry(container).gen
	c.mu.Unlock()
	key := fmt.Sprintf("%s/%s/%d", container.Kind, container.ID, gen)
	ch := c.group.DoChan(key, func() (any, error) {
		// A caller that missed the cache while the previous call of this
		// generation was storing its list arrives here after that call
		// has ended: the stored list is its answer.
		c.mu.Lock()
		if e := c.entry(container); e.gen == gen && e.list != nil {
			l := e.list
			c.mu.Unlock()
			return l, nil
		}
		c.mu.Unlock()
		// The shared call outlives any one caller's cancellation (others
		// may still wait on it) but keeps its values (loggers).
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), listTimeout)
		defer cancel()
		list, err := c.client.ListSeats(fctx, container)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if e := c.entry(container); e.gen == gen {
			e.list, e.written = list, nil // every write so far came before the list
		}
		c.mu.Unlock()
		return list, nil
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*polar.SeatsList), nil //nolint:forcetypeassert // the only value the function returns
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
