"""The dashboard: the home page and "Your authority", which gather what a
signed-in person needs from every area. It sits above the areas and no area
imports it."""
