"""Many generated news sites on 127.0.0.1 (one port each = one host each), recording
when each request arrived, so tests can check per-host politeness across processes."""

from __future__ import annotations

from tests.faults.sites import GeneratedSite


class MultiHostSite:
    """``with MultiHostSite(hosts=20, pages=100) as sites: sites.roots`` — each host
    serves ``/`` linking to ``/a/0.html`` ... ``/a/{pages-1}.html``."""

    def __init__(self, hosts: int = 20, pages: int = 100, latency: float = 0.0) -> None:
        self.sites = [GeneratedSite(pages=pages, latency=latency) for _ in range(hosts)]

    @property
    def roots(self) -> list[str]:
        return [site.url("/") for site in self.sites]

    def requests(self) -> dict[str, list[tuple[float, str]]]:
        """Per host (``127.0.0.1:port``): (arrival time, path), in arrival order."""
        return {site.host: site.arrivals() for site in self.sites}

    def __enter__(self) -> MultiHostSite:
        for site in self.sites:
            site.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        for site in self.sites:
            site.__exit__(*exc_info)
