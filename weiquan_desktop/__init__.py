"""weiquan-desktop: the offline desk application of a 12315 consumer-rights service station."""

__version__ = "0.1.0"
APP_NAME = "weiquan-desktop"
APP_TITLE = "12315消费维权服务站工作台"
