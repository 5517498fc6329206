# SPDX-License-Identifier: MIT
include $(sort $(wildcard $(BR2_EXTERNAL_HUTCH_PATH)/package/*/*.mk))
