package emulator

// The organization's indexes, so that a call costs the same in a container
// of 50,000 seats as in one of 5 (issue 24: a scan and a sort of the whole
// container on every assignment made a large team's apply quadratic, and a
// scan of all members and customers per rendered seat made its lists so).
// Each index answers exactly what the scan it replaces answered, ties
// included: "first" and "last" below are the scans' choices.

import (
	"container/heap"
	"slices"
	"strings"
	"time"
	"unicode"
)

// foldKey maps the strings strings.EqualFold calls equal, and only those,
// to one key: each rune becomes the smallest rune of its Unicode
// simple-folding orbit (EqualFold compares rune by rune the same way; an
// invalid byte is U+FFFD in both).
func foldKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

// memberKey is a member of one customer, by folded email or external id.
type memberKey struct{ customerID, key string }

// people indexes an organization's customers and members.
type people struct {
	customerByID    map[string]*customer
	customerByEmail map[string]*customer // folded email → the first customer with it
	customerByExt   map[string]*customer // external id → the first customer with it
	memberByID      map[string]*member
	memberByEmail   map[memberKey]*member // the first member of the customer with the email
	memberByExt     map[memberKey]*member // the last member of the customer with the external id
}

func newPeople() people {
	return people{
		customerByID: map[string]*customer{}, customerByEmail: map[string]*customer{}, customerByExt: map[string]*customer{},
		memberByID: map[string]*member{}, memberByEmail: map[memberKey]*member{}, memberByExt: map[memberKey]*member{},
	}
}

// addCustomer adds a customer (after those there are) and indexes it.
func (o *org) addCustomer(c *customer) {
	c.pos = len(o.customers)
	o.customers = append(o.customers, c)
	o.people.customerByID[c.id] = c
	if k := foldKey(c.email); c.email != "" && o.people.customerByEmail[k] == nil {
		o.people.customerByEmail[k] = c
	}
	if c.externalID != nil && o.people.customerByExt[*c.externalID] == nil {
		o.people.customerByExt[*c.externalID] = c
	}
}

// addMember adds a member (after those there are) and indexes it.
func (o *org) addMember(m *member) {
	o.members = append(o.members, m)
	o.people.memberByID[m.id] = m
	if k := (memberKey{m.customerID, foldKey(m.email)}); o.people.memberByEmail[k] == nil {
		o.people.memberByEmail[k] = m
	}
	if m.externalID != nil {
		o.people.memberByExt[memberKey{m.customerID, *m.externalID}] = m
	}
}

// linkMember gives a member without one an external id. (Only done when
// no member of its customer has that id, so it is also the last one.)
func (o *org) linkMember(m *member, ext string, now time.Time) {
	m.externalID, m.modifiedAt = &ext, &now
	o.people.memberByExt[memberKey{m.customerID, ext}] = m
}

func (o *org) customerByID(id string) *customer { return o.people.customerByID[id] }

// customerByEmail is the first customer whose email equals this one but
// for case, or nil.
func (o *org) customerByEmail(email string) *customer {
	return o.people.customerByEmail[foldKey(email)]
}

// customerByExternalID is the customer with this external id (unique per
// organization), or nil.
func (o *org) customerByExternalID(ext string) *customer { return o.people.customerByExt[ext] }

func (o *org) memberByID(id string) *member { return o.people.memberByID[id] }

// memberByEmail is the customer's first member whose email equals this one
// but for case, or nil.
func (o *org) memberByEmail(customerID, email string) *member {
	return o.people.memberByEmail[memberKey{customerID, foldKey(email)}]
}

// memberByExt is the customer's member with this external id, or nil.
func (o *org) memberByExt(customerID, ext string) *member {
	return o.people.memberByExt[memberKey{customerID, ext}]
}

// rows indexes the seat rows of one container.
type rows struct {
	ordered    []*seat        // oldest first: by created_at, then id
	revoked    revokedRows    // the revoked rows, the oldest on top
	active     int            // pending and claimed rows
	byCustomer map[string]int // active rows per customer id
	byEmail    map[string]int // active rows per folded email
}

func newRows() *rows { return &rows{byCustomer: map[string]int{}, byEmail: map[string]int{}} }

// older is the rows' order, Polar's for a list and for reusing a row.
func older(a, b *seat) bool {
	if !a.createdAt.Equal(b.createdAt) {
		return a.createdAt.Before(b.createdAt)
	}
	return a.id < b.id
}

// revokedRows is a heap of revoked rows by age (container/heap).
type revokedRows []*seat

func (h revokedRows) Len() int           { return len(h) }
func (h revokedRows) Less(i, j int) bool { return older(h[i], h[j]) }
func (h revokedRows) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].heapAt, h[j].heapAt = i, j
}
func (h *revokedRows) Push(x any) {
	st := x.(*seat) //nolint:forcetypeassert // container/heap gives back what change pushed: seats
	st.heapAt = len(*h)
	*h = append(*h, st)
}
func (h *revokedRows) Pop() any {
	old := *h
	st := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	st.heapAt = -1
	return st
}

// oldestRevoked is the container's oldest revoked row, or nil.
func (r *rows) oldestRevoked() *seat {
	if len(r.revoked) == 0 {
		return nil
	}
	return r.revoked[0]
}

// rowsOf is the index of the seat's container.
func (o *org) rowsOf(st *seat) *rows { return o.anyContainer(st.containerID()).rows }

// addRow adds a new row (status still empty: in no count) to its
// container, in order, and to the organization's seats.
func (o *org) addRow(st *seat) {
	r := o.rowsOf(st)
	at, _ := slices.BinarySearchFunc(r.ordered, st, compareAge)
	r.ordered = slices.Insert(r.ordered, at, st)
	o.seats = append(o.seats, st)
	o.seatByID[st.id] = st
}

// indexSeats builds the seat indexes of a freshly loaded organization
// (sorting each container's rows once).
func (o *org) indexSeats() {
	for _, st := range o.seats {
		r := o.rowsOf(st)
		r.ordered = append(r.ordered, st)
		o.seatByID[st.id] = st
		o.enter(st, r)
		if st.token != nil {
			o.byToken[*st.token] = append(o.byToken[*st.token], st)
		}
	}
	for _, c := range o.subs {
		slices.SortFunc(c.rows.ordered, compareAge)
	}
	for _, c := range o.orders {
		slices.SortFunc(c.rows.ordered, compareAge)
	}
}

func compareAge(a, b *seat) int {
	if older(a, b) {
		return -1
	}
	return 1
}

// change applies a change to a seat's status or occupant and keeps every
// index true: the seat leaves them as it was and enters them as it is.
func (o *org) change(st *seat, apply func()) {
	r := o.rowsOf(st)
	token := st.token
	o.leave(st, r)
	apply()
	o.enter(st, r)
	if sameToken(token, st.token) {
		// A seat keeps its place among the seats with its token.
		return
	}
	if token != nil {
		held := slices.DeleteFunc(o.byToken[*token], func(x *seat) bool { return x == st })
		if len(held) == 0 {
			delete(o.byToken, *token)
		} else {
			o.byToken[*token] = held
		}
	}
	if st.token != nil {
		o.byToken[*st.token] = append(o.byToken[*st.token], st)
	}
}

func sameToken(a, b *string) bool { return a == b || (a != nil && b != nil && *a == *b) }

// enter counts a seat in its container's indexes as it is.
func (o *org) enter(st *seat, r *rows) {
	switch {
	case st.active():
		r.active++
		if st.customerID != nil {
			r.byCustomer[*st.customerID]++
		}
		if st.email != nil {
			r.byEmail[foldKey(*st.email)]++
		}
	case st.status == seatRevoked:
		heap.Push(&r.revoked, st)
	}
}

// leave takes a seat out of its container's indexes as it is.
func (o *org) leave(st *seat, r *rows) {
	switch {
	case st.active():
		r.active--
		if st.customerID != nil {
			decrement(r.byCustomer, *st.customerID)
		}
		if st.email != nil {
			decrement(r.byEmail, foldKey(*st.email))
		}
	case st.status == seatRevoked:
		heap.Remove(&r.revoked, st.heapAt)
	}
}

func decrement(counts map[string]int, key string) {
	if counts[key] <= 1 {
		delete(counts, key)
		return
	}
	counts[key]--
}

// seatByToken is the first seat of the organization with this invitation
// token, or nil.
func (o *org) seatByToken(tok string) *seat {
	if held := o.byToken[tok]; len(held) > 0 {
		return held[0]
	}
	return nil
}
