"""Settings of bench/load.py's server: the product's settings with a URLconf that adds the floor view
(``load_urls``). Never used outside the bench: the floor route is not part of the product."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "load_urls"
