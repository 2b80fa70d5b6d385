"""Personal access tokens: a signed-in person's keys to the JSON API."""
