# terraform test, against the emulator: each run applies; at the end
# Terraform destroys what the runs created, which revokes every seat.
variables {
  subscription_id = "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d" # the demo subscription
}

run "assign_two" {
  assert {
    condition     = length(polar_customer_seat_assignments.team.seats) == 2
    error_message = "Expected a seat for each of the two people."
  }

  assert {
    condition     = alltrue([for s in values(polar_customer_seat_assignments.team.seats) : s.status == "pending"])
    error_message = "New seats are pending until their invitation is claimed."
  }
}

run "shrink_to_one" {
  variables {
    team = ["alice@acme.io"]
  }

  assert {
    condition     = length(polar_customer_seat_assignments.team.seats) == 1 && contains(keys(polar_customer_seat_assignments.team.seats), "alice@acme.io")
    error_message = "Only alice should hold a seat."
  }

  # alice keeps the seat the first run assigned: removing bob touches nobody else.
  assert {
    condition     = polar_customer_seat_assignments.team.seats["alice@acme.io"].id == run.assign_two.seat_ids["alice@acme.io"]
    error_message = "alice's seat changed."
  }
}
