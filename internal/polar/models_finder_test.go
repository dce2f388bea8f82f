package polar

import "testing"

// Finder answers as Find does: any case of the id, the first of equal ids,
// nothing for an id the list does not have.
func TestSeatsList_finder_answersAsFind(t *testing.T) {
	t.Parallel()
	list := &SeatsList{Seats: []CustomerSeat{
		{ID: "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d", Status: SeatStatusRevoked},
		{ID: "3a2b1c0d-9e8f-4a7b-b6c5-d4e3f2a1b0c9", Status: SeatStatusClaimed},
		{ID: "0D7C5B3A-1E2F-4A6B-8C9D-2F4E6A8B0C1D", Status: SeatStatusPending},
	}}
	find := list.Finder()
	for _, id := range []string{"0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d", "0D7C5B3A-1e2f-4a6b-8c9d-2f4e6a8b0c1d", "3a2b1c0d-9e8f-4a7b-b6c5-d4e3f2a1b0c9", "6f1c1f2e-8f1a-4d39-9a3e-0d9b8f6b2a01"} {
		want, wantOK := list.Find(id)
		got, ok := find(id)
		if ok != wantOK || got.ID != want.ID || got.Status != want.Status {
			t.Errorf("%s: Finder gave %q %s %v, Find %q %s %v", id, got.ID, got.Status, ok, want.ID, want.Status, wantOK)
		}
	}
	if s, _ := find("0D7C5B3A-1E2F-4A6B-8C9D-2F4E6A8B0C1D"); s.Status != SeatStatusRevoked {
		t.Errorf("the first of equal ids: got %s", s.Status)
	}
}
