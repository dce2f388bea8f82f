# Every active seat of a subscription (or order/<order_id>):
terraform import polar_customer_seat_assignments.team subscription/0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d
