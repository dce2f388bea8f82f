data "polar_customer_seats" "team" {
  subscription_id = "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"
}

# Only the seats that are taken.
data "polar_customer_seats" "taken" {
  subscription_id = "0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d"
  statuses        = ["pending", "claimed"]
}

output "free_seats" {
  value = data.polar_customer_seats.team.available_seats
}

output "holders" {
  value = { for s in data.polar_customer_seats.taken.seats : s.customer_email => s.status }
}
