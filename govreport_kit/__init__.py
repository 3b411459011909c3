"""govreport_kit: produce, check and ship 政府信息公开工作年度报告.

Public API (see README):

* :mod:`govreport_kit.core.format`: the official format, defined once;
* :mod:`govreport_kit.core.model`: :class:`AgencyYear`, the model of one agency-year;
* loading inputs, checking, rendering, running and batching live in their own modules.
"""

__version__ = "0.1.0"
