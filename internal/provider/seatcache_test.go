package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
)

func newCacheEnv(t *testing.T) (*seatCache, *polar.Client, *emulator.Server, string) {
	t.Helper()
	srv, url := testsupport.Emulator(t, nil)
	c, err := polar.NewClient(polar.Config{BaseURL: url, Token: emulator.DemoToken, MaxRetries: polar.Retries(0)})
	if err != nil {
		t.Fatal(err)
	}
	return newSeatCache(c), c, srv, url
}

var demoSub = polar.Container{Kind: polar.ContainerSubscription, ID: emulator.DemoSubscriptionID}

// Concurrent reads of one container share one request; later reads share
// its result; another container gets its own.
func TestSeatCache_reads_coalesce(t *testing.T) {
	cache, _, srv, url := newCacheEnv(t)
	// Slow the list down so that the readers really overlap.
	req, _ := http.NewRequest(http.MethodPost, url+"/__emulator/faults", strings.NewReader(`{"method":"GET","path":"/v1/customer-seats","kind":"delay","delay_ms":200}`))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	var wg sync.WaitGroup
	for i := 0; i < 25; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l, err := cache.List(context.Background(), demoSub); err != nil || l.TotalSeats != 5 {
				t.Errorf("list: %v %+v", err, l)
			}
		}()
	}
	wg.Wait()
	if _, err := cache.List(context.Background(), demoSub); err != nil {
		t.Fatal(err)
	}
	if _, err := cache.List(context.Background(), polar.Container{Kind: polar.ContainerOrder, ID: emulator.DemoOrderID}); err != nil {
		t.Fatal(err)
	}
	_, byRoute := srv.Requests()
	if byRoute["GET /v1/customer-seats"] != 2 {
		t.Fatalf("26 reads of one container and 1 of another cost %d list calls, want 2", byRoute["GET /v1/customer-seats"])
	}
}

// A reader whose context ends stops waiting; the shared call goes on for the
// others: it is not cancelled with that reader, and its one answer serves
// the next reader.
func TestSeatCache_reads_callerCancellation(t *testing.T) {
	cache, _, srv, arrived, release := gatedCacheEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan error)
	go func() {
		_, err := cache.List(ctx, demoSub)
		gone <- err
	}()
	<-arrived // the shared list call is at the server, its answer held
	cancel()
	if err := <-gone; !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled reader got %v, want context.Canceled", err)
	}
	other := make(chan *polar.SeatsList)
	go func() {
		l, err := cache.List(context.Background(), demoSub)
		if err != nil {
			t.Error(err)
		}
		other <- l
	}()
	// Two releases: the held answer, and the answer of a second list call
	// should the first have been cancelled with its reader.
	release <- struct{}{}
	release <- struct{}{}
	if l := <-other; l == nil || l.TotalSeats != 5 {
		t.Fatalf("the other reader got %+v", l)
	}
	if _, by := srv.Requests(); by["GET /v1/customer-seats"] != 1 {
		t.Fatalf("%d list calls, want 1: the call was not shared past the cancelled reader", by["GET /v1/customer-seats"])
	}
}

// Writes made through the provider keep the cached list true without a new
// list call; Fresh starts a new one.
func TestSeatCache_writes_keepTheListTrue(t *testing.T) {
	cache, client, srv, _ := newCacheEnv(t)
	ctx := context.Background()
	if _, err := cache.List(ctx, demoSub); err != nil {
		t.Fatal(err)
	}
	seat, err := client.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: &demoSub.ID, Email: str("w@acme.io")})
	if err != nil {
		t.Fatal(err)
	}
	cache.RecordWrite(seat)
	l, _ := cache.List(ctx, demoSub)
	if got, ok := l.Find(seat.ID); !ok || got.Status != polar.SeatStatusPending || l.AvailableSeats != 4 {
		t.Fatalf("assign not visible: %+v", l)
	}
	revoked, err := client.RevokeSeat(ctx, seat.ID)
	if err != nil {
		t.Fatal(err)
	}
	cache.RecordWrite(revoked)
	l, _ = cache.List(ctx, demoSub)
	if got, _ := l.Find(seat.ID); got.Status != polar.SeatStatusRevoked || l.AvailableSeats != 5 || len(l.Seats) != 1 {
		t.Fatalf("revoke not visible: %+v", l)
	}
	if _, by := srv.Requests(); by["GET /v1/customer-seats"] != 1 {
		t.Fatalf("write-through made %d list calls, want 1", by["GET /v1/customer-seats"])
	}
	if _, err := cache.Fresh(ctx, demoSub); err != nil {
		t.Fatal(err)
	}
	if _, by := srv.Requests(); by["GET /v1/customer-seats"] != 2 {
		t.Fatalf("Fresh made no new list call")
	}
}

// gatedCacheEnv holds every list answer, already computed by the emulator,
// until the test releases it: arrived receives one value per list call.
func gatedCacheEnv(t *testing.T) (cache *seatCache, client *polar.Client, srv *emulator.Server, arrived <-chan struct{}, release chan<- struct{}) {
	t.Helper()
	srv, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	arr, rel := make(chan struct{}, 100), make(chan struct{}, 100)
	proxy := testsupport.Intercept(t, srv)
	proxy.OnRequest(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodGet {
			return false
		}
		answer := proxy.Record(r)
		arr <- struct{}{}
		<-rel
		answer.Send(w)
		return true
	})
	// Registered after Intercept's, so it runs first: held answers are
	// released before the server closes.
	t.Cleanup(func() { close(rel) })
	client, err = polar.NewClient(polar.Config{BaseURL: proxy.URL, Token: emulator.DemoToken, MaxRetries: polar.Retries(0)})
	if err != nil {
		t.Fatal(err)
	}
	return newSeatCache(client), client, srv, arr, rel
}

// A list already in flight when a write happens cannot put a list older than
// the write into the cache.
func TestSeatCache_writes_inFlightListOlderThanAWrite(t *testing.T) {
	cache, client, _, arrived, release := gatedCacheEnv(t)
	ctx := context.Background()
	done := make(chan *polar.SeatsList)
	go func() {
		l, _ := cache.List(ctx, demoSub)
		done <- l
	}()
	<-arrived // the list's answer is computed: it has no seat
	seat, err := client.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: &demoSub.ID, Email: str("late@acme.io")})
	if err != nil {
		t.Fatal(err)
	}
	cache.RecordWrite(seat)
	release <- struct{}{} // the in-flight list
	release <- struct{}{} // the list that replaces it
	if old := <-done; old == nil || len(old.Seats) != 0 {
		t.Fatalf("in-flight list: %+v", old)
	}
	l, err := cache.List(ctx, demoSub)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := l.Find(seat.ID); !ok {
		t.Fatal("the cache holds a list older than the write")
	}
}

// Fresh never answers with a list whose request started before the call,
// and the callers that wait meanwhile share one next list.
func TestSeatCache_fresh_startsAfterTheCallAndIsShared(t *testing.T) {
	cache, _, srv, arrived, release := gatedCacheEnv(t)
	ctx := context.Background()
	first := cache.freshList(ctx, demoSub)
	<-arrived // the first list's answer is computed
	// Twenty callers decide now: they must not get the first list, and
	// they share one.
	var later []*freshList
	for range 20 {
		later = append(later, cache.freshList(ctx, demoSub))
	}
	release <- struct{}{}
	if _, err := first.wait(ctx); err != nil {
		t.Fatal(err)
	}
	<-arrived
	release <- struct{}{}
	for _, f := range later {
		if f == first {
			t.Fatal("a caller arriving during a list was given that list")
		}
		if _, err := f.wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, by := srv.Requests(); by["GET /v1/customer-seats"] != 2 {
		t.Fatalf("21 fresh reads cost %d list calls, want 2", by["GET /v1/customer-seats"])
	}
}

// A reader that missed the cache just before another reader's list call
// stored its answer, and reaches fetch only after that call has ended,
// takes the stored list instead of listing again. (Before, it started a
// second list call: in a plan over many seats, now and then one container
// cost two. Measured: 12 of 300 rounds of 20 concurrent readers.)
func TestSeatCache_reads_lateReaderTakesTheStoredList(t *testing.T) {
	cache, _, srv, _ := newCacheEnv(t)
	ctx := context.Background()
	first, err := cache.List(ctx, demoSub)
	if err != nil {
		t.Fatal(err)
	}
	// The late reader: its cache check missed before first was stored.
	late, err := cache.fetch(ctx, demoSub)
	if err != nil {
		t.Fatal(err)
	}
	if _, by := srv.Requests(); by["GET /v1/customer-seats"] != 1 || late != first {
		t.Fatalf("%d list calls, want 1: the late reader listed again", by["GET /v1/customer-seats"])
	}
}

// cachedContainer returns a cache holding a list of n active seats of demoSub
// (no API behind it) and a seat to write n more times.
func cachedContainer(n int) (*seatCache, []polar.CustomerSeat) {
	cache := newSeatCache(nil)
	seats := make([]polar.CustomerSeat, 2*n)
	for i := range seats {
		seats[i] = polar.CustomerSeat{ID: fmt.Sprintf("seat-%d", i), SubscriptionID: &demoSub.ID, Status: polar.SeatStatusPending}
	}
	cache.entry(demoSub).list = &polar.SeatsList{Seats: seats[:n], TotalSeats: 2 * n, AvailableSeats: n}
	return cache, seats[n:]
}

// bytesPerWrite is the memory RecordWrite allocates per write into a
// container of n seats, over n new seats (an apply that doubles it).
func bytesPerWrite(n int) float64 {
	cache, writes := cachedContainer(n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range writes {
		cache.RecordWrite(&writes[i])
	}
	runtime.ReadMemStats(&after)
	return float64(after.TotalAlloc-before.TotalAlloc) / float64(len(writes))
}

// RecordWrite's cost does not grow with the container: one apply of N
// writes must not copy the list N times (N² seat copies). Counted in
// allocated bytes, not time. Not parallel: the allocator's counters are
// process-wide.
func TestSeatCache_writes_recordWriteCostDoesNotGrowWithTheList(t *testing.T) {
	small, large := bytesPerWrite(500), bytesPerWrite(8000)
	if large > 2*small+1024 {
		t.Fatalf("a write allocates %.0f bytes into a list of 500 seats and %.0f into one of 8,000: it copies the list", small, large)
	}
	// And the writes are all there, in the list read afterwards.
	cache, writes := cachedContainer(100)
	for i := range writes {
		w := writes[i]
		w.Status = polar.SeatStatusClaimed
		cache.RecordWrite(&w)
	}
	revoked := polar.CustomerSeat{ID: "seat-3", SubscriptionID: &demoSub.ID, Status: polar.SeatStatusRevoked}
	cache.RecordWrite(&revoked)
	l, err := cache.List(context.Background(), demoSub)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := l.Find("seat-150"); len(l.Seats) != 200 || s.Status != polar.SeatStatusClaimed || l.AvailableSeats != 1 {
		t.Fatalf("after 101 writes: %d seats, seat-150 %q, available %d; want 200, claimed, 1", len(l.Seats), s.Status, l.AvailableSeats)
	}
	if s, _ := l.Find("seat-3"); s.Status != polar.SeatStatusRevoked {
		t.Fatalf("seat-3 is %q after its revoke", s.Status)
	}
}

// BenchmarkSeatCacheRecordWrite: an apply that writes n seats into a
// container of n, then reads the list once; per apply
// (go test -run '^$' -bench RecordWrite -benchmem ./internal/provider).
func BenchmarkSeatCache_writes_recordWrite(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 50_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				cache, writes := cachedContainer(n)
				b.StartTimer()
				for i := range writes {
					cache.RecordWrite(&writes[i])
				}
				if _, err := cache.List(context.Background(), demoSub); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FreshSince shares any list whose request started at or after the given
// moment — the one in flight, or the last one — and never one that started
// before it.
func TestSeatCache_fresh_sinceSharesListsStartedAfterIt(t *testing.T) {
	cache, _, srv, arrived, release := gatedCacheEnv(t)
	ctx := context.Background()
	decided := time.Now()
	first := cache.freshListSince(ctx, demoSub, decided)
	<-arrived // the first list's request started after decided
	if f := cache.freshListSince(ctx, demoSub, decided); f != first {
		t.Fatal("a list in flight that started after the decision was not shared")
	}
	later := cache.freshListSince(ctx, demoSub, time.Now())
	if later == first {
		t.Fatal("a list that started before the call was given to it")
	}
	release <- struct{}{}
	if _, err := first.wait(ctx); err != nil {
		t.Fatal(err)
	}
	<-arrived
	release <- struct{}{}
	if _, err := later.wait(ctx); err != nil {
		t.Fatal(err)
	}
	if f := cache.freshListSince(ctx, demoSub, decided); f != later {
		t.Fatal("the last list, started after the decision, was not shared")
	}
	if _, by := srv.Requests(); by["GET /v1/customer-seats"] != 2 {
		t.Fatalf("four fresh reads cost %d list calls, want 2", by["GET /v1/customer-seats"])
	}
}
