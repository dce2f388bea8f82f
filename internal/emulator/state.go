package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Fixture is the seed format of -fixtures and PUT /__emulator/state, and the
// dump format of GET /__emulator/state (see README.md beside this file).
type Fixture struct {
	RateLimit     *RateLimit   `json:"rate_limit,omitempty"`
	Organizations []FixtureOrg `json:"organizations"`
}

// RateLimit is a fixed window per organization; Requests 0 means no limit.
type RateLimit struct {
	Requests      int `json:"requests"`
	WindowSeconds int `json:"window_seconds"`
}

// FixtureOrg is one organization and everything it owns.
type FixtureOrg struct {
	ID                      string                `json:"id"`
	Name                    string                `json:"name"`
	Slug                    string                `json:"slug"`
	SeatBasedPricingEnabled bool                  `json:"seat_based_pricing_enabled"`
	MemberModelEnabled      bool                  `json:"member_model_enabled"`
	Tokens                  []FixtureToken        `json:"tokens"`
	Products                []FixtureProduct      `json:"products"`
	Customers               []FixtureCustomer     `json:"customers"`
	Members                 []FixtureMember       `json:"members"`
	Subscriptions           []FixtureSubscription `json:"subscriptions"`
	Orders                  []FixtureOrder        `json:"orders"`
	Seats                   []FixtureSeat         `json:"seats"`
}

// FixtureToken is an organization access token and its scopes.
type FixtureToken struct {
	Token     string     `json:"token"`
	Scopes    []string   `json:"scopes"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// FixtureProduct is a product.
type FixtureProduct struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// FixtureCustomer is a customer of the organization.
type FixtureCustomer struct {
	ID         string  `json:"id"`
	Email      string  `json:"email"`
	ExternalID *string `json:"external_id"`
	Name       *string `json:"name"`
}

// FixtureMember is a member of a customer.
type FixtureMember struct {
	ID         string     `json:"id"`
	CustomerID string     `json:"customer_id"`
	Email      string     `json:"email"`
	ExternalID *string    `json:"external_id"`
	Name       *string    `json:"name"`
	Role       string     `json:"role"`
	CreatedAt  *time.Time `json:"created_at,omitempty"`
	ModifiedAt *time.Time `json:"modified_at,omitempty"`
}

// FixtureSubscription is a seat-based subscription.
type FixtureSubscription struct {
	ID         string  `json:"id"`
	ProductID  *string `json:"product_id"`
	CustomerID string  `json:"customer_id"`
	Seats      *int    `json:"seats"`
	Deleted    bool    `json:"deleted,omitempty"`
}

// FixtureOrder is a one-time seat purchase.
type FixtureOrder struct {
	ID         string  `json:"id"`
	ProductID  *string `json:"product_id"`
	CustomerID string  `json:"customer_id"`
	Seats      *int    `json:"seats"`
	Status     string  `json:"status"`
	Deleted    bool    `json:"deleted,omitempty"`
}

// FixtureSeat is a seat row. Absent keys take the value an assignment would
// give; JSON null is null (see Optional).
type FixtureSeat struct {
	ID                       string                   `json:"id"`
	SubscriptionID           *string                  `json:"subscription_id"`
	OrderID                  *string                  `json:"order_id"`
	Status                   string                   `json:"status"`
	Email                    Optional[string]         `json:"email,omitzero"`
	CustomerID               Optional[string]         `json:"customer_id,omitzero"`
	MemberID                 Optional[string]         `json:"member_id,omitzero"`
	SeatMetadata             Optional[map[string]any] `json:"seat_metadata"`
	InvitationToken          Optional[string]         `json:"invitation_token,omitzero"`
	InvitationTokenExpiresAt Optional[time.Time]      `json:"invitation_token_expires_at,omitzero"`
	ClaimedAt                Optional[time.Time]      `json:"claimed_at,omitzero"`
	RevokedAt                Optional[time.Time]      `json:"revoked_at,omitzero"`
	CreatedAt                Optional[time.Time]      `json:"created_at,omitzero"`
	ModifiedAt               Optional[time.Time]      `json:"modified_at,omitzero"`
}

// Optional tells an absent key (Set false) from JSON null (Set, Null).
type Optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON records that the key was present. Numbers inside the value
// (seat metadata) are kept as written, as json.Number: Polar keeps integers
// of any size exactly, and a float64 would round 12345678901234567890.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(&o.Value)
}

// MarshalJSON writes null for an unset or null value.
func (o Optional[T]) MarshalJSON() ([]byte, error) {
	if !o.Set || o.Null {
		return []byte("null"), nil
	}
	return json.Marshal(o.Value)
}

func some[T any](v T) Optional[T] { return Optional[T]{Set: true, Value: v} }

func fromPtr[T any](p *T) Optional[T] {
	if p == nil {
		return Optional[T]{Set: true, Null: true}
	}
	return some(*p)
}

func (o Optional[T]) ptr(def *T) *T {
	if !o.Set {
		return def
	}
	if o.Null {
		return nil
	}
	v := o.Value
	return &v
}

// --- in-memory model -------------------------------------------------------

type org struct {
	id, name, slug string
	seatBased      bool
	memberModel    bool
	sent           *outbox // the world's: what Polar sends for this organization
	products       map[string]*product
	customers      []*customer // in the order they were made
	members        []*member   // in the order they were made
	people         people      // customers and members by id, email, external id
	subs           map[string]*container
	orders         map[string]*container
	seats          []*seat            // in the order they were made
	seatByID       map[string]*seat   // every seat, by id
	byToken        map[string][]*seat // seats by invitation token, in the order of seats
}

type token struct {
	org       *org
	scopes    map[string]bool
	expiresAt *time.Time
}

type product struct{ id, name string }

type customer struct {
	id, email  string
	externalID *string
	name       *string
	pos        int // its place in the organization's customers
}

type member struct {
	id, customerID, email string
	externalID, name      *string
	role                  string
	createdAt             time.Time
	modifiedAt            *time.Time
}

type container struct {
	kind       containerKind
	id         string
	productID  *string
	customerID string
	seats      *int
	status     string
	deleted    bool
	rows       *rows // its seat rows, indexed
}

type seat struct {
	id             string
	subscriptionID *string
	orderID        *string
	status         seatStatus
	customerID     *string
	memberID       *string
	email          *string
	token          *string
	expiresAt      *time.Time
	claimedAt      *time.Time
	revokedAt      *time.Time
	metadata       map[string]any
	createdAt      time.Time
	modifiedAt     *time.Time
	heapAt         int // its place in the container's revoked rows, while revoked
}

func (s *seat) containerID() string {
	if s.subscriptionID != nil {
		return *s.subscriptionID
	}
	if s.orderID != nil {
		return *s.orderID
	}
	return ""
}

// active seats occupy capacity: pending (even with an expired invitation)
// and claimed ones.
func (s *seat) active() bool { return s.status == seatPending || s.status == seatClaimed }

// expired says whether the seat's invitation has expired (strictly after
// its expiry time).
func (s *seat) expired(now time.Time) bool { return s.expiresAt != nil && s.expiresAt.Before(now) }

// world is the emulator's whole state: what a fixture loads and the state
// dump shows, and the outbox, which starts empty with it.
type world struct {
	rate   RateLimit
	orgs   []*org
	tokens map[string]*token
	outbox *outbox
}

// container is a subscription or order of the organization that is not
// deleted, or nil.
func (o *org) container(kind containerKind, id string) *container {
	var c *container
	if kind == kindSubscription {
		c = o.subs[id]
	} else {
		c = o.orders[id]
	}
	if c == nil || c.deleted {
		return nil
	}
	return c
}

// anyContainer is a subscription or order of the organization, deleted or
// not, or nil.
func (o *org) anyContainer(id string) *container {
	if c := o.subs[id]; c != nil {
		return c
	}
	return o.orders[id]
}

// load builds the world from a fixture, one loader per entity, and says
// which fixture entry is wrong when one is.
func load(f *Fixture, now time.Time) (*world, error) {
	l := &loader{w: &world{tokens: map[string]*token{}, outbox: newOutbox()}, ids: map[string]string{}, now: now}
	if f.RateLimit != nil {
		if f.RateLimit.Requests < 0 || (f.RateLimit.Requests > 0 && f.RateLimit.WindowSeconds <= 0) {
			return nil, fmt.Errorf("rate_limit: requests must be >= 0 and window_seconds > 0")
		}
		l.w.rate = *f.RateLimit
	}
	for i, spec := range f.Organizations {
		o, err := l.org(fmt.Sprintf("organizations[%d]", i), spec)
		if err != nil {
			return nil, err
		}
		l.w.orgs = append(l.w.orgs, o)
	}
	return l.w, nil
}

// loader carries what loading needs across entities: the world so far, the
// ids already taken (ids are unique across the whole fixture) and the time.
type loader struct {
	w   *world
	ids map[string]string
	now time.Time
}

// claim takes an id for the fixture entry `what`.
func (l *loader) claim(what, id string) error {
	if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
		return fmt.Errorf("%s: id %q is not a UUID", what, id)
	}
	if prev, ok := l.ids[id]; ok {
		return fmt.Errorf("%s: id %s is already used by %s", what, id, prev)
	}
	l.ids[id] = what
	return nil
}

func (l *loader) org(where string, spec FixtureOrg) (*org, error) {
	if err := l.claim(where, spec.ID); err != nil {
		return nil, err
	}
	o := &org{id: spec.ID, name: spec.Name, slug: spec.Slug, seatBased: spec.SeatBasedPricingEnabled, memberModel: spec.MemberModelEnabled,
		sent: l.w.outbox, products: map[string]*product{}, people: newPeople(), subs: map[string]*container{}, orders: map[string]*container{},
		seatByID: map[string]*seat{}, byToken: map[string][]*seat{}}
	steps := []func() error{
		func() error { return l.tokens(where, o, spec.Tokens) },
		func() error { return l.products(where, o, spec.Products) },
		func() error { return l.customers(where, o, spec.Customers) },
		func() error { return l.members(where, o, spec.Members) },
		func() error { return l.containers(where, o, spec) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	for i, seatSpec := range spec.Seats {
		s, err := loadSeat(o, fmt.Sprintf("%s.seats[%d]", where, i), seatSpec, l.now, l.claim)
		if err != nil {
			return nil, err
		}
		o.seats = append(o.seats, s)
	}
	o.indexSeats()
	return o, nil
}

func (l *loader) tokens(where string, o *org, tokens []FixtureToken) error {
	for ti, t := range tokens {
		if t.Token == "" {
			return fmt.Errorf("%s.tokens[%d]: token is empty", where, ti)
		}
		if _, dup := l.w.tokens[t.Token]; dup {
			return fmt.Errorf("%s.tokens[%d]: token is used twice", where, ti)
		}
		scopes := map[string]bool{}
		for _, s := range t.Scopes {
			scopes[s] = true
		}
		l.w.tokens[t.Token] = &token{org: o, scopes: scopes, expiresAt: t.ExpiresAt}
	}
	return nil
}

func (l *loader) products(where string, o *org, products []FixtureProduct) error {
	for pi, p := range products {
		if err := l.claim(fmt.Sprintf("%s.products[%d]", where, pi), p.ID); err != nil {
			return err
		}
		o.products[p.ID] = &product{id: p.ID, name: p.Name}
	}
	return nil
}

func (l *loader) customers(where string, o *org, customers []FixtureCustomer) error {
	for ci, c := range customers {
		entry := fmt.Sprintf("%s.customers[%d]", where, ci)
		if err := l.claim(entry, c.ID); err != nil {
			return err
		}
		if err := o.customerClash(entry, c); err != nil {
			return err
		}
		o.addCustomer(&customer{id: c.ID, email: c.Email, externalID: c.ExternalID, name: c.Name})
	}
	return nil
}

// customerClash refuses a fixture customer whose email (but for case) or
// external id an earlier customer has, naming the earliest such customer.
func (o *org) customerClash(entry string, c FixtureCustomer) error {
	var byEmail, byExt *customer
	if c.Email != "" {
		byEmail = o.customerByEmail(c.Email)
	}
	if c.ExternalID != nil {
		byExt = o.customerByExternalID(*c.ExternalID)
	}
	switch {
	case byEmail != nil && (byExt == nil || byEmail.pos <= byExt.pos):
		return fmt.Errorf("%s: email %q is already used by customer %s", entry, c.Email, byEmail.id)
	case byExt != nil:
		return fmt.Errorf("%s: external_id %q is already used by customer %s", entry, *c.ExternalID, byExt.id)
	}
	return nil
}

func (l *loader) members(where string, o *org, members []FixtureMember) error {
	for mi, m := range members {
		entry := fmt.Sprintf("%s.members[%d]", where, mi)
		if err := l.claim(entry, m.ID); err != nil {
			return err
		}
		if o.customerByID(m.CustomerID) == nil {
			return fmt.Errorf("%s: customer_id %q is not a customer of the organization", entry, m.CustomerID)
		}
		if m.Email == "" {
			return fmt.Errorf("%s: email is required", entry)
		}
		role := m.Role
		if role == "" {
			role = "member"
		}
		if role != "owner" && role != "billing_manager" && role != "member" {
			return fmt.Errorf("%s: role %q is not owner, billing_manager or member", entry, m.Role)
		}
		if prev := o.memberByEmail(m.CustomerID, m.Email); prev != nil {
			return fmt.Errorf("%s: email %q is already used by member %s of that customer", entry, m.Email, prev.id)
		}
		created := l.now
		if m.CreatedAt != nil {
			created = *m.CreatedAt
		}
		o.addMember(&member{id: m.ID, customerID: m.CustomerID, email: m.Email, externalID: m.ExternalID, name: m.Name, role: role, createdAt: created, modifiedAt: m.ModifiedAt})
	}
	return nil
}

func (l *loader) containers(where string, o *org, spec FixtureOrg) error {
	for si, s := range spec.Subscriptions {
		c := &container{kind: kindSubscription, rows: newRows(), id: s.ID, productID: s.ProductID, customerID: s.CustomerID, seats: s.Seats, deleted: s.Deleted}
		if err := l.container(fmt.Sprintf("%s.subscriptions[%d]", where, si), o, c); err != nil {
			return err
		}
	}
	for ri, r := range spec.Orders {
		status := r.Status
		if status == "" {
			status = "paid"
		}
		if !validOrderStatus(status) {
			return fmt.Errorf("%s.orders[%d]: status %q is not one of pending, paid, refunded, partially_refunded, draft, void", where, ri, r.Status)
		}
		c := &container{kind: kindOrder, rows: newRows(), id: r.ID, productID: r.ProductID, customerID: r.CustomerID, seats: r.Seats, status: status, deleted: r.Deleted}
		if err := l.container(fmt.Sprintf("%s.orders[%d]", where, ri), o, c); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) container(entry string, o *org, c *container) error {
	if err := l.claim(entry, c.id); err != nil {
		return err
	}
	if c.productID != nil && o.products[*c.productID] == nil {
		return fmt.Errorf("%s: product_id %q is not a product of the organization", entry, *c.productID)
	}
	if o.customerByID(c.customerID) == nil {
		return fmt.Errorf("%s: customer_id %q is not a customer of the organization", entry, c.customerID)
	}
	if c.seats != nil && *c.seats < 0 {
		return fmt.Errorf("%s: seats must be >= 0", entry)
	}
	if c.kind == kindSubscription {
		o.subs[c.id] = c
	} else {
		o.orders[c.id] = c
	}
	return nil
}

func validOrderStatus(s string) bool {
	switch s {
	case "pending", "paid", "refunded", "partially_refunded", "draft", "void":
		return true
	}
	return false
}

func loadSeat(o *org, entry string, spec FixtureSeat, now time.Time, claim func(string, string) error) (*seat, error) {
	if err := claim(entry, spec.ID); err != nil {
		return nil, err
	}
	if (spec.SubscriptionID == nil) == (spec.OrderID == nil) {
		return nil, fmt.Errorf("%s: exactly one of subscription_id and order_id must be set", entry)
	}
	if spec.SubscriptionID != nil && o.subs[*spec.SubscriptionID] == nil {
		return nil, fmt.Errorf("%s: subscription_id %q is not a subscription of the organization", entry, *spec.SubscriptionID)
	}
	if spec.OrderID != nil && o.orders[*spec.OrderID] == nil {
		return nil, fmt.Errorf("%s: order_id %q is not an order of the organization", entry, *spec.OrderID)
	}
	status := seatStatus(spec.Status)
	switch status {
	case seatPending, seatClaimed, seatRevoked:
	default:
		return nil, fmt.Errorf("%s: status %q is not pending, claimed or revoked", entry, spec.Status)
	}
	s := &seat{id: spec.ID, subscriptionID: spec.SubscriptionID, orderID: spec.OrderID, status: status}
	s.customerID = spec.CustomerID.ptr(nil)
	s.memberID = spec.MemberID.ptr(nil)
	s.email = spec.Email.ptr(nil)
	if s.customerID != nil && o.customerByID(*s.customerID) == nil {
		return nil, fmt.Errorf("%s: customer_id %q is not a customer of the organization", entry, *s.customerID)
	}
	if s.memberID != nil && o.memberByID(*s.memberID) == nil {
		return nil, fmt.Errorf("%s: member_id %q is not a member of the organization", entry, *s.memberID)
	}
	if spec.CreatedAt.Set && spec.CreatedAt.Null {
		return nil, fmt.Errorf("%s: created_at cannot be null (omit it to use the current time)", entry)
	}
	s.createdAt = *spec.CreatedAt.ptr(&now)
	s.modifiedAt = spec.ModifiedAt.ptr(nil)
	s.revokedAt = spec.RevokedAt.ptr(nil)
	empty := map[string]any{}
	if md := spec.SeatMetadata.ptr(&empty); md != nil {
		s.metadata = *md
	}
	s.fillByStatus(spec, now)
	return s, nil
}

// fillByStatus gives a fixture seat's absent keys the values its status
// implies: a pending seat a fresh invitation, a claimed one a claim time, a
// revoked one a revocation time.
func (s *seat) fillByStatus(spec FixtureSeat, now time.Time) {
	s.token = spec.InvitationToken.ptr(nil)
	s.expiresAt = spec.InvitationTokenExpiresAt.ptr(nil)
	s.claimedAt = spec.ClaimedAt.ptr(nil)
	switch s.status {
	case seatPending:
		tok := newInvitationToken()
		exp := now.Add(invitationTTL)
		s.token = spec.InvitationToken.ptr(&tok)
		s.expiresAt = spec.InvitationTokenExpiresAt.ptr(&exp)
	case seatClaimed:
		s.claimedAt = spec.ClaimedAt.ptr(&now)
	case seatRevoked:
		if s.revokedAt == nil && !spec.RevokedAt.Set {
			s.revokedAt = &now
		}
	}
}

// dump renders the world in fixture form, hidden fields included.
func (w *world) dump() *Fixture {
	f := &Fixture{Organizations: []FixtureOrg{}}
	if w.rate.Requests > 0 {
		r := w.rate
		f.RateLimit = &r
	}
	for _, o := range w.orgs {
		f.Organizations = append(f.Organizations, w.dumpOrg(o))
	}
	return f
}

// dumpOrg renders one organization: tokens, products, subscriptions and
// orders sorted by their key, customers and members in the order they were
// made, seats oldest first.
func (w *world) dumpOrg(o *org) FixtureOrg {
	out := FixtureOrg{ID: o.id, Name: o.name, Slug: o.slug, SeatBasedPricingEnabled: o.seatBased, MemberModelEnabled: o.memberModel,
		Tokens: []FixtureToken{}, Products: []FixtureProduct{}, Customers: []FixtureCustomer{}, Members: []FixtureMember{},
		Subscriptions: []FixtureSubscription{}, Orders: []FixtureOrder{}, Seats: []FixtureSeat{}}
	for value, t := range w.tokens {
		if t.org != o {
			continue
		}
		ft := FixtureToken{Token: value, Scopes: []string{}, ExpiresAt: t.expiresAt}
		for s := range t.scopes {
			ft.Scopes = append(ft.Scopes, s)
		}
		sortStrings(ft.Scopes)
		out.Tokens = append(out.Tokens, ft)
	}
	sortBy(out.Tokens, func(t FixtureToken) string { return t.Token })
	for _, p := range o.products {
		out.Products = append(out.Products, FixtureProduct{ID: p.id, Name: p.name})
	}
	sortBy(out.Products, func(p FixtureProduct) string { return p.ID })
	for _, c := range o.customers {
		out.Customers = append(out.Customers, FixtureCustomer{ID: c.id, Email: c.email, ExternalID: c.externalID, Name: c.name})
	}
	for _, m := range o.members {
		created := m.createdAt
		out.Members = append(out.Members, FixtureMember{ID: m.id, CustomerID: m.customerID, Email: m.email, ExternalID: m.externalID, Name: m.name, Role: m.role, CreatedAt: &created, ModifiedAt: m.modifiedAt})
	}
	for _, c := range o.subs {
		out.Subscriptions = append(out.Subscriptions, FixtureSubscription{ID: c.id, ProductID: c.productID, CustomerID: c.customerID, Seats: c.seats, Deleted: c.deleted})
	}
	sortBy(out.Subscriptions, func(s FixtureSubscription) string { return s.ID })
	for _, c := range o.orders {
		out.Orders = append(out.Orders, FixtureOrder{ID: c.id, ProductID: c.productID, CustomerID: c.customerID, Seats: c.seats, Status: c.status, Deleted: c.deleted})
	}
	sortBy(out.Orders, func(s FixtureOrder) string { return s.ID })
	for _, s := range sortedSeats(o.seats) {
		out.Seats = append(out.Seats, dumpSeat(s))
	}
	return out
}

func dumpSeat(s *seat) FixtureSeat {
	md := s.metadata
	if md == nil {
		md = map[string]any{}
	}
	return FixtureSeat{
		ID: s.id, SubscriptionID: s.subscriptionID, OrderID: s.orderID, Status: string(s.status),
		Email: fromPtr(s.email), CustomerID: fromPtr(s.customerID), MemberID: fromPtr(s.memberID),
		SeatMetadata: some(md), InvitationToken: fromPtr(s.token), InvitationTokenExpiresAt: fromPtr(s.expiresAt),
		ClaimedAt: fromPtr(s.claimedAt), RevokedAt: fromPtr(s.revokedAt), CreatedAt: some(s.createdAt), ModifiedAt: fromPtr(s.modifiedAt),
	}
}
