package emulator

import (
	"encoding/json"
	"net/http"
	"time"
)

// Polar's JSON shapes, keys in Polar's order: what the handlers encode.

// jsonTime renders datetimes as Polar does: UTC, "Z", six fractional digits when
// the microseconds are non-zero and none otherwise.
type jsonTime time.Time

func (t jsonTime) MarshalJSON() ([]byte, error) {
	tt := time.Time(t).UTC()
	layout := "2006-01-02T15:04:05Z"
	if tt.Nanosecond()/1000 != 0 {
		layout = "2006-01-02T15:04:05.000000Z"
	}
	return []byte(`"` + tt.Format(layout) + `"`), nil
}

func optionalTime(t *time.Time) *jsonTime {
	if t == nil {
		return nil
	}
	p := jsonTime(*t)
	return &p
}

type memberJSON struct {
	ID         string    `json:"id"`
	CreatedAt  jsonTime  `json:"created_at"`
	ModifiedAt *jsonTime `json:"modified_at"`
	CustomerID string    `json:"customer_id"`
	Email      string    `json:"email"`
	Name       *string   `json:"name"`
	ExternalID *string   `json:"external_id"`
	Role       string    `json:"role"`
}

type seatJSON struct {
	CreatedAt                jsonTime       `json:"created_at"`
	ModifiedAt               *jsonTime      `json:"modified_at"`
	ID                       string         `json:"id"`
	SubscriptionID           *string        `json:"subscription_id"`
	OrderID                  *string        `json:"order_id"`
	Status                   seatStatus     `json:"status"`
	CustomerID               *string        `json:"customer_id"`
	MemberID                 *string        `json:"member_id"`
	Member                   *memberJSON    `json:"member"`
	Email                    *string        `json:"email"`
	CustomerEmail            *string        `json:"customer_email"`
	InvitationTokenExpiresAt *jsonTime      `json:"invitation_token_expires_at"`
	ClaimedAt                *jsonTime      `json:"claimed_at"`
	RevokedAt                *jsonTime      `json:"revoked_at"`
	SeatMetadata             map[string]any `json:"seat_metadata"`
}

// render is a seat as Polar's API shows it (the invitation token hidden).
func (o *org) render(s *seat) seatJSON {
	out := seatJSON{
		CreatedAt: jsonTime(s.createdAt), ModifiedAt: optionalTime(s.modifiedAt), ID: s.id,
		SubscriptionID: s.subscriptionID, OrderID: s.orderID, Status: s.status,
		CustomerID: s.customerID, MemberID: s.memberID, Email: s.email,
		InvitationTokenExpiresAt: optionalTime(s.expiresAt), ClaimedAt: optionalTime(s.claimedAt), RevokedAt: optionalTime(s.revokedAt),
		SeatMetadata: s.metadata,
	}
	if out.SeatMetadata == nil {
		out.SeatMetadata = map[string]any{}
	}
	m := o.seatMember(s)
	if m != nil {
		out.Member = &memberJSON{ID: m.id, CreatedAt: jsonTime(m.createdAt), ModifiedAt: optionalTime(m.modifiedAt), CustomerID: m.customerID,
			Email: m.email, Name: m.name, ExternalID: m.externalID, Role: m.role}
	}
	out.CustomerEmail = o.seatEmail(s, m)
	return out
}

// seatListJSON is the list call's answer.
type seatListJSON struct {
	Seats          []seatJSON `json:"seats"`
	AvailableSeats int        `json:"available_seats"`
	TotalSeats     int        `json:"total_seats"`
}

func (o *org) renderList(l seatList) seatListJSON {
	seats := make([]seatJSON, 0, len(l.seats))
	for _, st := range l.seats {
		seats = append(seats, o.render(st))
	}
	return seatListJSON{Seats: seats, AvailableSeats: l.available, TotalSeats: l.total}
}

// errBody is Polar's error shape, keys in Polar's order.
type errBody struct {
	Error  string `json:"error"`
	Detail string `json:"detail"`
}

func polarErr(code, detail string) errBody { return errBody{Error: code, Detail: detail} }

// fieldError is one item of a 422's detail, in FastAPI's shape.
type fieldError struct {
	Type  string         `json:"type"`
	Loc   []any          `json:"loc"`
	Msg   string         `json:"msg"`
	Input any            `json:"input"`
	Ctx   map[string]any `json:"ctx,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"InternalServerError","detail":"encoding failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
