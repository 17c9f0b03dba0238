# placeholder, replaced by the hypervisor build
