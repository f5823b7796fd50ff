// SPDX-License-Identifier: GPL-2.0-only
/* What a snapshot saves of a machine and how a restore puts it back (snapshot.h). */
#include "pinvm/snapshot.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "pinvm/boot.h"
#include "pinvm/fwprofile.h"
#include "pinvm/log.h"
#include "pinvm/machine.h"
#include "pinvm/psci.h"
#include "pinvm/sha256.h"
#include "pinvm/snapfile.h"

int snapshot_add_device(struct machine *m, const struct snapshot_device *dev)
{
	for (unsigned int i = 0; i < m->nr_devices; i++)
		if (!strcmp(m->devices[i].name, dev->name))
			return -EEXIST;
	if (m->nr_devices == SNAPSHOT_MAX_DEVICES)
		return -ENOSPC;
	m->devices[m->nr_devices++] = *dev;
	return 0;
}

/* ---- saving ---- */

/* The GIC's attributes, gathered before the section is written (its length comes first). */
struct snapshot_gic_buf {
	uint8_t *data;
	size_t len, cap;
};

static void snapshot_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int snapshot_gic_emit(void *ctx, uint32_t group, uint32_t size, uint64_t attr,
			     uint64_t value)
{
	struct snapshot_gic_buf *b = ctx;
	uint8_t *e;

	if (b->len + SNAPFILE_GIC_ENTRY > b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16384;
		uint8_t *n = realloc(b->data, cap);

		if (!n)
			return -ENOMEM;
		b->data = n;
		b->cap = cap;
	}
	e = b->data + b->len;
	snapshot_le(e, group, 4);
	snapshot_le(e + 4, size, 4);
	snapshot_le(e + 8, attr, 8);
	snapshot_le(e + 16, value, 8);
	b->len += SNAPFILE_GIC_ENTRY;
	return 0;
}

static bool snapshot_page_zero(const uint8_t *p)
{
	const uint64_t *w = (const uint64_t *)(const void *)p;

	for (size_t i = 0; i < SNAPFILE_PAGE / 8; i++)
		if (w[i])
			return false;
	return true;
}

/* /proc/self/pagemap (Documentation/admin-guide/mm/pagemap.rst): bit 63 present, 62 swapped */
#define SNAPSHOT_PM_PRESENT	(1ULL << 63)
#define SNAPSHOT_PM_SWAPPED	(1ULL << 62)
#define SNAPSHOT_PM_BATCH	512

/*
 * Could the page at @off hold data? A page neither present nor swapped
 * was never touched (or was dropped) and reads as zero: it is not read.
 * The page map is read SNAPSHOT_PM_BATCH entries at a time into @pm.
 */
static bool snapshot_page_maybe(const struct machine *m, uint64_t off, uint64_t *pm,
				uint64_t *pm_first, bool *pm_ok)
{
	uint64_t host_page = (uint64_t)(uintptr_t)m->vm.ram / SNAPFILE_PAGE + off / SNAPFILE_PAGE;

	if (!*pm_ok)
		return true;
	if (host_page < *pm_first || host_page >= *pm_first + SNAPSHOT_PM_BATCH) {
		ssize_t n = pread(m->pagemap_fd, pm, SNAPSHOT_PM_BATCH * sizeof(uint64_t),
				  (off_t)(host_page * sizeof(uint64_t)));

		if (n < (ssize_t)sizeof(uint64_t)) {
			*pm_ok = false;		/* read every page from here on */
			return true;
		}
		for (size_t i = (size_t)n / sizeof(uint64_t); i < SNAPSHOT_PM_BATCH; i++)
			pm[i] = SNAPSHOT_PM_PRESENT;	/* beyond what was read: look */
		*pm_first = host_page;
	}
	return pm[host_page - *pm_first] & (SNAPSHOT_PM_PRESENT | SNAPSHOT_PM_SWAPPED);
}

/* The runs of non-zero pages of RAM: (offset, length) pairs in @runs. */
static int snapshot_ram_runs(const struct machine *m, uint64_t **ret_runs, size_t *ret_nr,
			     uint64_t *ret_bytes)
{
	const uint8_t *ram = m->vm.ram;
	uint64_t *runs = NULL, bytes = 0, pm_first = UINT64_MAX / 2;
	uint64_t pm[SNAPSHOT_PM_BATCH];
	bool pm_ok = m->pagemap_fd >= 0 && sysconf(_SC_PAGESIZE) == (long)SNAPFILE_PAGE;
	size_t nr = 0, cap = 0;

	for (uint64_t off = 0; off < m->vm.ram_size; off += SNAPFILE_PAGE) {
		if (!snapshot_page_maybe(m, off, pm, &pm_first, &pm_ok) ||
		    snapshot_page_zero(ram + off))
			continue;
		bytes += SNAPFILE_PAGE;
		if (nr && runs[2 * nr - 2] + runs[2 * nr - 1] == off) {
			runs[2 * nr - 1] += SNAPFILE_PAGE;
			continue;
		}
		if (nr == cap) {
			size_t ncap = cap ? 2 * cap : 256;
			uint64_t *n = realloc(runs, ncap * 2 * sizeof(uint64_t));

			if (!n) {
				free(runs);
				return -ENOMEM;
			}
			runs = n;
			cap = ncap;
		}
		runs[2 * nr] = off;
		runs[2 * nr + 1] = SNAPFILE_PAGE;
		nr++;
	}
	*ret_runs = runs;
	*ret_nr = nr;
	*ret_bytes = bytes;
	return 0;
}

/* An image section: the file's path, size and SHA-256 (of its bytes as stored). */
static void snapshot_image(struct snapfile_writer *w, uint32_t kind, const char *path,
			   const struct boot_file *f)
{
	size_t plen = strlen(path);

	snapfile_section(w, SNAPFILE_IMAGE, 48 + plen);
	snapfile_put_u32(w, kind);
	snapfile_put_u32(w, (uint32_t)plen);
	snapfile_put_u64(w, f->size);
	snapfile_put(w, f->sha256, SHA256_DIGEST_SIZE);
	snapfile_put(w, path, plen);
}

/* One vCPU's section: every listed register, its MP state. */
static int snapshot_vcpu(struct snapfile_writer *w, struct vcpu *v, char *why, size_t why_size)
{
	uint8_t val[SNAPFILE_REG_MAX];
	uint64_t *ids = NULL, len = 16;
	unsigned int nr = 0;
	uint32_t mp = 0;
	int r;

	r = vcpu_reg_list(v, &ids, &nr);
	if (r) {
		log_say(why, why_size, "vCPU %u: KVM_GET_REG_LIST: %s", v->id, strerror(-r));
		return r;
	}
	for (unsigned int i = 0; i < nr; i++) {
		if (snapfile_reg_size(ids[i]) > SNAPFILE_REG_MAX) {
			log_say(why, why_size, "vCPU %u: register 0x%" PRIx64 " is larger than %d bytes (SVE?)",
				v->id, ids[i], SNAPFILE_REG_MAX);
			free(ids);
			return -EOPNOTSUPP;
		}
		len += 8 + snapfile_reg_size(ids[i]);
	}
	r = vcpu_get_mp_state(v, &mp);
	if (r) {
		log_say(why, why_size, "vCPU %u: KVM_GET_MP_STATE: %s", v->id, strerror(-r));
		free(ids);
		return r;
	}
	snapfile_section(w, SNAPFILE_VCPU, len);
	snapfile_put_u32(w, v->id);
	snapfile_put_u32(w, mp);
	snapfile_put_u32(w, nr);
	snapfile_put_u32(w, 0);
	for (unsigned int i = 0; i < nr && !r; i++) {
		r = vcpu_get_reg_raw(v, ids[i], val);
		if (r) {
			log_say(why, why_size, "vCPU %u: cannot read register 0x%" PRIx64 ": %s",
				v->id, ids[i], strerror(-r));
			break;
		}
		snapfile_put_u64(w, ids[i]);
		snapfile_put(w, val, snapfile_reg_size(ids[i]));
	}
	free(ids);
	return r;
}

int snapshot_save(struct machine *m, int fd, uint64_t *ret_bytes, char *why, size_t why_size)
{
	const struct machine_config *cfg = m->cfg;
	struct snapfile_config c = {
		.ram_size = m->vm.ram_size,
		.nr_vcpus = m->nr_vcpus,
		.gic_version = (uint32_t)m->gic.version,
		.psci_version = m->psci_version,
		.psci_impl = m->psci_impl == PSCI_IMPL_PINVM ? SNAPFILE_IMPL_PINVM : SNAPFILE_IMPL_KVM,
		.flags = cfg->no_suspend ? SNAPFILE_NO_SUSPEND : 0,
	};
	struct snapshot_gic_buf gic = { 0 };
	struct snapfile_writer *w;
	uint64_t mpidr[LAYOUT_MAX_VCPUS], *runs = NULL, ram_bytes = 0, ram_len = 0;
	uint8_t cbuf[32];
	size_t nr_runs = 0;
	struct stat st;
	int r;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_say(why, why_size, "the snapshot must go to a regular file");
		return -EINVAL;
	}
	if (m->gic.version != 3) {
		log_say(why, why_size, "a GICv2 machine cannot be saved (pinvm saves GICv3 state only)");
		return -EOPNOTSUPP;
	}
	for (unsigned int i = 0; i < m->nr_vcpus; i++)
		mpidr[i] = m->vcpus[i].mpidr;
	r = gic_save(&m->gic, mpidr, m->nr_vcpus, snapshot_gic_emit, &gic);
	if (r) {
		log_say(why, why_size, "cannot read the vGIC's state: %s", strerror(-r));
		free(gic.data);
		return r;
	}
	r = snapshot_ram_runs(m, &runs, &nr_runs, &ram_bytes);
	w = malloc(sizeof(*w));
	if (r || !w) {
		log_say(why, why_size, "out of memory");
		free(gic.data);
		free(runs);
		free(w);
		return -ENOMEM;
	}
	ram_len = ram_bytes + 16 * nr_runs;

	snapfile_begin(w, fd);
	snapfile_config_encode(&c, cbuf);
	snapfile_section(w, SNAPFILE_CONFIG, sizeof(cbuf));
	snapfile_put(w, cbuf, sizeof(cbuf));
	if (cfg->cmdline) {
		snapfile_section(w, SNAPFILE_CMDLINE, strlen(cfg->cmdline));
		snapfile_put(w, cfg->cmdline, strlen(cfg->cmdline));
	}
	if (m->dtb) {
		snapfile_section(w, SNAPFILE_DTB, boot_dtb_size(m));
		snapfile_put(w, m->dtb, boot_dtb_size(m));
	}
	/* As loaded (restored: the snapshot's, the digests a reset checks them against). */
	snapshot_image(w, SNAPFILE_IMAGE_KERNEL, cfg->kernel_path, boot_kernel(m));
	if (boot_initrd(m))
		snapshot_image(w, SNAPFILE_IMAGE_INITRD, cfg->initrd_path, boot_initrd(m));
	for (unsigned int i = 0; i < m->nr_vcpus && !r; i++)
		r = snapshot_vcpu(w, &m->vcpus[i], why, why_size);
	if (r)
		goto out;
	snapfile_section(w, SNAPFILE_GIC, gic.len);
	snapfile_put(w, gic.data, gic.len);
	snapfile_section(w, SNAPFILE_POWER, (uint64_t)m->nr_vcpus * SNAPFILE_POWER_ENTRY);
	pthread_mutex_lock(&m->power.lock);
	for (unsigned int i = 0; i < m->nr_vcpus; i++) {
		snapfile_put_u32(w, (uint32_t)m->power.state[i]);
		snapfile_put_u32(w, (m->power.big_endian[i] ? SNAPFILE_POWER_BIG_ENDIAN : 0) |
				    (m->vcpus[i].standby ? SNAPFILE_POWER_STANDBY : 0));
		snapfile_put_u64(w, m->power.entry[i]);
		snapfile_put_u64(w, m->power.context[i]);
		snapfile_put_u64(w, m->power.mpidr[i]);
	}
	pthread_mutex_unlock(&m->power.lock);
	for (unsigned int i = 0; i < m->nr_devices && !r; i++) {
		const struct snapshot_device *d = &m->devices[i];
		char name[SNAPFILE_DEVICE_NAME] = { 0 };
		size_t len = d->size(d->opaque);
		uint8_t *buf = malloc(len + 1);

		if (!buf) {
			r = -ENOMEM;
			log_say(why, why_size, "out of memory");
			break;
		}
		r = d->save(d->opaque, buf, len);
		if (r) {
			log_say(why, why_size, "device %s: cannot save its state: %s", d->name,
				strerror(-r));
			free(buf);
			break;
		}
		snprintf(name, sizeof(name), "%s", d->name);
		snapfile_section(w, SNAPFILE_DEVICE, SNAPFILE_DEVICE_NAME + len);
		snapfile_put(w, name, sizeof(name));
		snapfile_put(w, buf, len);
		free(buf);
	}
	if (r)
		goto out;
	/* RAM last: the bulk of the file, zero pages left out. */
	snapfile_section(w, SNAPFILE_RAM, ram_len);
	for (size_t i = 0; i < nr_runs; i++) {
		snapfile_put_u64(w, runs[2 * i]);
		snapfile_put_u64(w, runs[2 * i + 1]);
		snapfile_put(w, (const uint8_t *)m->vm.ram + runs[2 * i], runs[2 * i + 1]);
	}
	r = snapfile_finish(w, ret_bytes);
	if (r)
		log_say(why, why_size, "cannot write the snapshot: %s", strerror(-r));
out:
	free(w);
	free(runs);
	free(gic.data);
	return r;
}

/* ---- restoring ---- */

/* The disks' paths: the snapshot's buffer goes once the RAM is in. */
static char snapshot_disk_paths[LAYOUT_MAX_DISKS][DISKSTATE_PATH_MAX];

/* The snapshot's disks, "disk-vda", "disk-vdb", ... in order, into @cfg. */
static int snapshot_config_disks(const struct snapfile_view *view, struct machine_config *cfg,
				 char *why, size_t why_size)
{
	cfg->nr_disks = 0;
	for (unsigned int i = 0; i < view->nr_devices; i++) {
		const struct snapfile_device *d = &view->devices[i];
		char want[SNAPFILE_DEVICE_NAME], reason[256];
		struct diskstate s;

		if (strncmp(d->name, "disk-", 5))
			continue;
		snprintf(want, sizeof(want), "disk-vd%c", 'a' + (char)cfg->nr_disks);
		if (cfg->nr_disks == LAYOUT_MAX_DISKS || strcmp(d->name, want)) {
			log_say(why, why_size, "a device '%s' where '%s' was expected", d->name,
				cfg->nr_disks == LAYOUT_MAX_DISKS ? "no more disks" : want);
			return -EINVAL;
		}
		if (diskstate_parse(d->data, d->len, &s, reason, sizeof(reason))) {
			log_say(why, why_size, "device %s: %s", d->name, reason);
			return -EINVAL;
		}
		snprintf(snapshot_disk_paths[cfg->nr_disks], sizeof(snapshot_disk_paths[0]), "%s",
			 s.path);
		cfg->disks[cfg->nr_disks].path = snapshot_disk_paths[cfg->nr_disks];
		cfg->disks[cfg->nr_disks].ro = s.ro;
		cfg->nr_disks++;
	}
	return 0;
}

int snapshot_config(const struct snapfile_view *view, struct machine_config *cfg,
		    struct fwprofile *fw, char *why, size_t why_size)
{
	const struct snapfile_vcpu *v0 = &view->vcpus[0];
	size_t pos = 0;
	const uint8_t *val;
	uint64_t id;

	cfg->ram_size = view->cfg.ram_size;
	cfg->nr_cpus = view->cfg.nr_vcpus;
	cfg->gic = view->cfg.gic_version == 2 ? GIC_WANT_V2 : GIC_WANT_V3;
	cfg->psci = view->cfg.psci_version;
	cfg->psci_explicit = true;
	/*
	 * pinvm's firmware again when it answered (its power table holds what
	 * KVM does not know: a CPU_ON accepted, its target not started yet);
	 * KVM's PSCI when it can give the version, else pinvm's firmware.
	 */
	cfg->psci_impl = view->cfg.psci_impl == SNAPFILE_IMPL_PINVM ? PSCI_IMPL_PINVM :
			 PSCI_IMPL_AUTO;
	cfg->no_suspend = view->cfg.flags & SNAPFILE_NO_SUSPEND;
	cfg->kernel_path = view->kernel.path;
	cfg->initrd_path = view->has_initrd ? view->initrd.path : NULL;
	cfg->cmdline = view->has_cmdline ? view->cmdline : NULL;
	cfg->restore = true;

	/* The firmware registers vCPU 0 listed: the view to honour, like a profile. */
	memset(fw, 0, sizeof(*fw));
	while (snapfile_reg_next(v0, &pos, &id, &val)) {
		uint64_t value = 0;

		if (!fwprofile_is_fw_reg(id) || snapfile_reg_size(id) != 8)
			continue;
		memcpy(&value, val, 8);
		(void)fwprofile_set(fw, id, value);
	}
	/* The guest's PSCI version, whoever answered (pinvm's firmware: not KVM's register). */
	(void)fwprofile_set(fw, FWPROFILE_PSCI_VERSION, view->cfg.psci_version);
	cfg->fw_profile = fw;
	return snapshot_config_disks(view, cfg, why, why_size);
}

/* A register restore skips: the firmware view was replayed already (machine_setup()). */
static bool snapshot_skip_reg(uint64_t id)
{
	return fwprofile_is_fw_reg(id);
}

/*
 * A saved register this host's KVM does not have for the guest, left out
 * (snapfile_reg_droppable()): named once in m->restore_dropped, which
 * main.c reports (a note and the `restore` record).
 */
static void snapshot_note_dropped(struct machine *m, uint64_t id)
{
	char name[32];
	size_t len = strlen(m->restore_dropped);
	const char *p = m->restore_dropped;

	snapfile_reg_name(id, name, sizeof(name));
	/* Each name once: every vCPU has the same list. */
	while ((p = strstr(p, name))) {
		size_t n = strlen(name);

		if ((p == m->restore_dropped || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return;
		p += n;
	}
	m->restore_nr_dropped++;
	if (len + 1 + strlen(name) < sizeof(m->restore_dropped))
		snprintf(m->restore_dropped + len, sizeof(m->restore_dropped) - len, "%s%s",
			 len ? "," : "", name);
}

static int snapshot_restore_vcpu(struct machine *m, unsigned int i, const struct snapfile_vcpu *sv,
				 char *why, size_t why_size)
{
	struct vcpu *v = &m->vcpus[i];
	uint8_t val[SNAPFILE_REG_MAX];
	const uint8_t *p;
	size_t pos = 0;
	uint64_t id;
	int r;

	while (snapfile_reg_next(sv, &pos, &id, &p)) {
		if (snapshot_skip_reg(id))
			continue;
		memcpy(val, p, snapfile_reg_size(id));
		r = vcpu_set_reg_raw(v, id, val);
		if (r == -ENOENT && snapfile_reg_droppable(id, val)) {
			snapshot_note_dropped(m, id);
			continue;
		}
		if (r) {
			log_say(why, why_size, "this host (Linux %s) refuses vCPU %u's register 0x%" PRIx64 " (%s): %s",
				m->host.release, i, id,
				(id & 0xffff0000ULL) == 0x00130000ULL ? "a system register" :
				(id & 0xffff0000ULL) == 0x00100000ULL ? "a core register" : "KVM's",
				strerror(-r));
			return r;
		}
	}
	r = vcpu_set_mp_state(v, sv->mp_state);
	if (r)
		log_say(why, why_size, "vCPU %u: KVM_SET_MP_STATE(%u): %s", i, sv->mp_state,
			strerror(-r));
	return r;
}

int snapshot_restore(struct machine *m, const struct snapfile_view *view, char *why,
		     size_t why_size)
{
	size_t pos = 0;
	const uint8_t *data;
	uint64_t off, len;
	int r;

	/* RAM first: a fresh mapping, zero where the snapshot stored nothing. */
	while (snapfile_ram_next(view, &pos, &off, &len, &data))
		memcpy((uint8_t *)m->vm.ram + off, data, len);
	/* The DTB its guest booted with (the images are not read: no placement to build one for). */
	if (view->dtb) {
		r = boot_use_dtb(m, view->dtb, view->dtb_len, why, why_size);
		if (r)
			return r;
	}

	for (unsigned int i = 0; i < m->nr_vcpus; i++) {
		r = snapshot_restore_vcpu(m, i, &view->vcpus[i], why, why_size);
		if (r)
			return r;
	}
	for (unsigned int i = 0; i < view->nr_gic; i++) {
		struct snapfile_gic_attr a;

		snapfile_gic_get(view, i, &a);
		r = gic_load_attr(&m->gic, a.group, a.size, a.attr, a.value);
		if (r) {
			log_say(why, why_size, "this host refuses the vGIC's state (group %u, attribute 0x%" PRIx64 "): %s",
				a.group, a.attr, strerror(-r));
			return r;
		}
	}
	for (unsigned int i = 0; i < m->nr_vcpus; i++) {
		const struct snapfile_power *p = &view->power[i];

		if (p->mpidr != power_get_mpidr(&m->power, i)) {
			log_say(why, why_size, "vCPU %u has MPIDR 0x%" PRIx64 " here, 0x%" PRIx64 " in the snapshot",
				i, power_get_mpidr(&m->power, i), p->mpidr);
			return -EINVAL;
		}
		pthread_mutex_lock(&m->power.lock);
		m->power.state[i] = (enum power_state)p->state;
		/*
		 * Saved under KVM's PSCI the table was brought up to date only
		 * for SYSTEM_SUSPEND; KVM's MP state is the truth then.
		 */
		if (view->cfg.psci_impl == SNAPFILE_IMPL_KVM)
			m->power.state[i] = view->vcpus[i].mp_state == KVM_MP_STATE_STOPPED ? POWER_OFF :
					    view->vcpus[i].mp_state == KVM_MP_STATE_SUSPENDED ?
					    POWER_SUSPENDED : POWER_ON;
		m->power.entry[i] = p->entry;
		m->power.context[i] = p->context;
		m->power.big_endian[i] = p->big_endian;
		pthread_mutex_unlock(&m->power.lock);
		/* In CPU_SUSPEND's standby (pinvm's firmware): runnable at its wake-up. */
		m->vcpus[i].standby = p->standby;
	}
	/* Exactly the machine's devices, each taking its own state. */
	for (unsigned int i = 0; i < view->nr_devices; i++) {
		char reason[320];
		const struct snapfile_device *d = &view->devices[i];
		const struct snapshot_device *dev = NULL;

		for (unsigned int j = 0; j < m->nr_devices; j++)
			if (!strcmp(m->devices[j].name, d->name))
				dev = &m->devices[j];
		if (!dev) {
			log_say(why, why_size, "the snapshot has a device '%s' this machine does not have",
				d->name);
			return -EINVAL;
		}
		reason[0] = '\0';
		r = dev->load(dev->opaque, d->data, d->len, reason, sizeof(reason));
		if (r) {
			if (reason[0])
				log_say(why, why_size, "%s", reason);
			else
				log_say(why, why_size, "device %s: the snapshot's state is not one it takes (%s)",
					d->name, strerror(-r));
			return r;
		}
	}
	for (unsigned int j = 0; j < m->nr_devices; j++) {
		bool found = false;

		for (unsigned int i = 0; i < view->nr_devices; i++)
			found |= !strcmp(m->devices[j].name, view->devices[i].name);
		if (!found) {
			log_say(why, why_size, "the snapshot has no state for device '%s'",
				m->devices[j].name);
			return -EINVAL;
		}
	}
	return 0;
}
