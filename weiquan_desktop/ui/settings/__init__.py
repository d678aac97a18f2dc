"""The 站点设置 tab (tab.py) and its pages, one module each: the station's profile (station.py), staff
(staff.py), 五有 (wuyou.py), bodies cases are referred to (bodies.py), the calendar (calendar.py), time limits
(rules.py), retention (retention.py) and the desk's preferences (preferences.py)."""
