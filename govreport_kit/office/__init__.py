"""The office that collects a region's reports: regions, the tracker, the roll-up, collecting workbooks back.

* :mod:`regions`: ``params/regions.yaml``, a validated tree of regions;
* :mod:`status`: every expected agency-year of a region with its state (未建立 … 已发送);
* :mod:`rollup`: tables summed over a region's members, indicators, rankings;
* :mod:`collect`: workbooks sent back by agencies, identified, validated and filed.
"""
