// SPDX-License-Identifier: GPL-2.0-only
/*
 * probe: the JSON report of a probe result (no KVM needed: the result is
 * made up here) is one line of JSON whatever the kernel release holds;
 * quotes, backslashes and control characters in uname -r are escaped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pinvm/kvm-compat.h"
#include "pinvm/probe.h"

static char *json_of(const struct probe_result *res)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	probe_print_json(res, f);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

static void fill(struct probe_result *res, const char *release)
{
	memset(res, 0, sizeof(*res));
	snprintf(res->release, sizeof(res->release), "%s", release);
	res->api_version = 12;
	res->max_vcpus = 512;
	res->ipa_bits = 40;
	res->vgic_v3 = true;
	res->psci_default = PINVM_PSCI_1_1;
	res->psci_accepted[res->nr_psci_accepted++] = PINVM_PSCI_1_0;
	res->psci_accepted[res->nr_psci_accepted++] = PINVM_PSCI_1_1;
	res->fw[0].id = 0x6030000000140000ULL;
	res->fw[0].value = PINVM_PSCI_1_1;
	res->fw[0].readable = true;
	res->nr_fw = 1;
}

START_TEST(test_json_plain)
{
	struct probe_result res;
	char *json;

	fill(&res, "6.1.0-37-cloud-arm64");
	json = json_of(&res);
	ck_assert_str_eq(json, "{\"schema\":1,\"host_kernel\":\"6.1.0-37-cloud-arm64\","
			 "\"kvm_api_version\":12,\"max_vcpus\":512,\"ipa_bits\":40,\"vgic\":[\"v3\"],"
			 "\"psci\":{\"default\":\"1.1\",\"accepted\":[\"1.0\",\"1.1\"],"
			 "\"implementations\":{\"kvm\":[\"1.0\",\"1.1\"],\"pinvm\":[]}},"
			 "\"system_suspend\":false,\"smccc_filter\":false,\"system_event_data\":false,"
			 "\"firmware_registers\":[{\"id\":\"0x6030000000140000\",\"name\":\"PSCI_VERSION\","
			 "\"value\":\"0x10001\"}]}\n");
	free(json);
}
END_TEST

START_TEST(test_json_release_escaped)
{
	struct probe_result res;
	char *json;

	/* A custom kernel can be called anything: CONFIG_LOCALVERSION is free text. */
	fill(&res, "6.1.0-\"evil\"\\x\tend\n");
	json = json_of(&res);
	ck_assert_msg(strstr(json, "\"host_kernel\":\"6.1.0-\\\"evil\\\"\\\\x\\u0009end\\u000a\","),
		      "not escaped: %s", json);
	/* One line: the only newline is the last byte. */
	ck_assert_ptr_eq(strchr(json, '\n'), json + strlen(json) - 1);
	free(json);

	/* The longest release uname can give, every byte a quote, still whole. */
	memset(res.release, '"', sizeof(res.release) - 1);
	res.release[sizeof(res.release) - 1] = '\0';
	json = json_of(&res);
	ck_assert_ptr_nonnull(strstr(json, "\"host_kernel\":\"\\\"\\\""));
	ck_assert_ptr_nonnull(strstr(json, "\\\"\",\"kvm_api_version\":12,"));
	free(json);
}
END_TEST

static Suite *probe_suite(void)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, test_json_plain);
	tcase_add_test(tc, test_json_release_escaped);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return harness_run(probe_suite());
}
