# Adopts every active seat the subscription has and manages the people named
# below: the first apply records `exclusive` (import cannot know it) and
# releases, without revoking, anyone the configuration does not name; from
# then on, a person removed from `emails` has their seat revoked.
import {
  to = polar_customer_seat_assignments.existing
  id = "subscription/0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"
}

resource "polar_customer_seat_assignments" "existing" {
  subscription_id = "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"
  emails          = ["alice@yourcompany.com", "bob@yourcompany.com"]
}
